/**
 * The widget's state, with no UI: a small orchestrator. It knows which categories are in
 * effect and when the visitor must be asked, and applies every change of record (Consent Mode,
 * script gating, cookie clean-up, events). The rest is delegated: the consent rules to
 * shared/consent-rules.ts, making a decision to ./decisions.ts, sending and retrying it to
 * ./sync.ts, identity's requests to ./identity.ts (those three load only when needed), every
 * call to the Worker to ./api-client.ts. Other modules change the record only through its
 * methods (`adopt`, `setOwner`, `forget`); the Lit components render what it says.
 *
 * Rules it keeps:
 * - Nothing non-essential before a choice; no visitor id before the first decision (R1.1, R1.2).
 * - The local record is authoritative for this page (R6.1): a decision applies at once, then
 *   syncs with an idempotency key, retried with backoff until the Worker records it, once.
 * - A valid record (not expired, same policy fingerprint) is applied with no request; the
 *   fingerprint is re-checked in the background at most every `revalidateMinutes`.
 * - GPC turns off sale/sharing categories and is recorded (R2.2, R2.3).
 * - Identity across devices (`identify`): the site's signed subject id makes this browser use the
 *   person's one visitor record; the newer of the local and the server's choice wins (R6.1).
 */
import { type CategoryRule, effectivePermissions, regimeDefaults, stillCounts } from "../../shared/consent-rules";
import { ApiClient } from "./api-client";
import { setConsentDefaults, updateConsentMode } from "./consent-mode";
import { report } from "./report";
import { type PlaceholderFactory, applyGates } from "./script-gate";
import { clearRecord, deleteCategoryStorage, readRecord, writeRecord } from "./storage";
import type * as SyncModule from "./sync";
import type { DecisionSync } from "./sync";
import type {
  AssentChangeDetail,
  AssentEventMap,
  AssentState,
  BootstrapResponse,
  ConsentAction,
  ConsentSurface,
  LocalRecord,
  PendingSync,
  Regime,
} from "./types";

export interface ControllerOptions {
  siteId: string;
  /** The Worker's base URL, ending in "/". */
  endpoint: string;
  /** Preferred language from data-lang, <html lang> or the browser. */
  lang: string | null;
  widgetVersion: string;
}

type Listener = () => void;

/** Who a record belongs to: the visitor, its token, and the person (`identify`) if any. */
export type Identity = Pick<LocalRecord, "subject" | "visitorId" | "token">;

/** The lazily loaded requests of identity across devices (./identity.ts). */
export interface IdentityModule {
  identify(c: Controller, signed: string | null, subject: string): Promise<void>;
  pull(c: Controller): Promise<boolean>;
}

/**
 * The lazily loaded code that makes decisions (./decisions.ts), as far as the core calls it:
 * declared here, like IdentityModule, so that module can depend on the controller without an
 * import circle.
 */
export interface DecisionsModule {
  honorGpc(c: Controller, settle?: boolean): boolean;
}

/** Local "now": Date.now, which tests can fake with a clock. */
const now = () => Date.now();

export class Controller {
  readonly siteId: string;
  readonly endpoint: string;
  readonly widgetVersion: string;
  lang: string | null;
  record: LocalRecord | null;
  bootstrap: BootstrapResponse | null = null;
  /** The browser's GPC signal (`navigator.globalPrivacyControl`). */
  readonly navigatorGpc: boolean;
  /** Every call to the Worker goes through this one client. */
  readonly api: ApiClient;
  private placeholder: PlaceholderFactory = () => null;
  private listeners = new Set<Listener>();
  /** The retry loop of a pending decision (./sync.ts, loaded when there is one). */
  private syncer: DecisionSync | undefined;
  /** Loads ./sync.ts (set by the loader: it comes only with a pending decision). */
  loadSync: (() => Promise<typeof SyncModule>) | undefined;
  /**
   * The bootstrap request on its way (or answered), null when none is: read by code that can
   * use bootstrap but need not ask for it (the UI's labels). Set only by `ensureBootstrap`.
   */
  bootstrapPromise: Promise<BootstrapResponse> | null = null;
  /** The person's visitor from `identify`, until a record exists to keep it (first decision). */
  private identity: Identity | undefined;
  /** `identify` calls run one after another, so a repeated call finds the first one's result. */
  private identifying: Promise<void> = Promise.resolve();
  /** Loads identity's requests (set by the loader: they come with the UI, not the core). */
  loadIdentity: (() => Promise<IdentityModule>) | undefined;
  /** Loads the code that makes decisions (./decisions.ts), likewise. */
  loadDecisions: (() => Promise<DecisionsModule>) | undefined;

  constructor(options: ControllerOptions) {
    this.siteId = options.siteId;
    this.endpoint = options.endpoint;
    this.lang = options.lang;
    this.widgetVersion = options.widgetVersion;
    this.api = new ApiClient(options.endpoint, options.siteId);
    this.navigatorGpc = (navigator as Navigator & { globalPrivacyControl?: boolean }).globalPrivacyControl === true;
    this.record = readRecord(this.siteId);
  }

  // -------------------------------------------------------------------------------------------
  // What is in effect
  // -------------------------------------------------------------------------------------------

  /** GPC from the browser or, once known, from the Sec-GPC header the Worker saw. */
  get gpc(): boolean {
    return this.navigatorGpc || this.bootstrap?.edge.gpc === true;
  }

  /** The regime: from bootstrap, else from the record, else unknown (treated as opt-in). */
  get regime(): Regime | null {
    return this.bootstrap?.edge.regime ?? this.record?.regime ?? null;
  }

  /** True when the record still counts (shared/consent-rules.ts, `stillCounts`). */
  recordValid(record = this.record): record is LocalRecord {
    if (!record) return false;
    const boot = this.bootstrap;
    return stillCounts(record, { at: now(), ...(boot ? { fingerprint: boot.policy.fingerprint, regime: boot.edge.regime } : {}) });
  }

  /** The site's categories as the rules see them: from bootstrap, else from the stored record. */
  private categoryRules(): CategoryRule[] {
    const categories = this.bootstrap?.categories;
    if (categories) return categories;
    const required = new Set(this.record?.required ?? []);
    const saleOrSharing = new Set(this.record?.saleOrSharing ?? []);
    return Object.keys(this.record?.categories ?? {}).map((id) => ({ id, required: required.has(id), saleOrSharing: saleOrSharing.has(id) }));
  }

  /**
   * The categories in effect now: the valid record's (with GPC applied), or the regime's
   * defaults: opt-in grants nothing optional; opt-out and notice grant all but what GPC stops.
   */
  effectiveCategories(): Record<string, boolean> {
    const rules = this.categoryRules();
    const record = this.record;
    if (this.recordValid(record)) return effectivePermissions(rules, record.categories, record.usOptOut, this.gpc);
    return regimeDefaults(rules, this.regime, this.gpc);
  }

  /** True when the banner must ask (or, outside opt-in regimes, inform) the visitor. */
  needsBanner(): boolean {
    return !this.recordValid();
  }

  /** A copy of the state for the page. */
  state(): AssentState {
    const valid = this.recordValid() ? this.record! : null;
    return {
      siteId: this.siteId,
      decided: !!valid,
      categories: this.effectiveCategories(),
      gpc: this.gpc,
      regime: this.regime,
      receiptId: valid?.receiptId ?? null,
      pendingSync: !!valid?.pending,
      updatedAt: valid?.updatedAt ?? null,
      expiresAt: valid?.expiresAt ?? null,
    };
  }

  // -------------------------------------------------------------------------------------------
  // Start-up
  // -------------------------------------------------------------------------------------------

  /**
   * Runs at start-up, before anything of the page can (a first visit's requests may already be
   * on their way): Consent Mode defaults, then, if the local record is valid, its update and the
   * gated scripts. Returns true when the record was applied (no banner, no request).
   */
  applyLocal(): boolean {
    const record = this.record;
    const required = record ? Object.fromEntries(record.required.map((id) => [id, record.consentMode[id] ?? []])) : {};
    setConsentDefaults(required, this.record?.waitForUpdateMs ?? 500);
    if (!this.recordValid(record)) return false;
    updateConsentMode(record.consentMode, this.effectiveCategories(), this.gpc, record.usOptOut?.saleSharing);
    void applyGates({ categories: this.effectiveCategories(), settled: true }, this.placeholder);
    void this.sync();
    return true;
  }

  /** How the UI renders blocked embeds (set by the loader once the UI is there). */
  setPlaceholder(factory: PlaceholderFactory): void {
    this.placeholder = factory;
  }

  /** Re-applies gates (e.g. after the placeholder factory arrived). */
  refreshGates(): Promise<void> {
    return applyGates({ categories: this.effectiveCategories(), settled: this.recordValid() || this.regime !== null && this.regime !== "opt-in" }, this.placeholder);
  }

  /** Fetches bootstrap once (shared by every caller); `fresh` bypasses the HTTP cache. */
  ensureBootstrap(fresh = false): Promise<BootstrapResponse> {
    if (this.bootstrap) return Promise.resolve(this.bootstrap);
    this.bootstrapPromise ??= this.api.bootstrap(this.lang, fresh).then(
      (boot) => {
        this.bootstrap = boot;
        return boot;
      },
      (err: unknown) => {
        this.bootstrapPromise = null;
        throw err;
      },
    );
    return this.bootstrapPromise;
  }

  /** Whether the background fingerprint check is due for a valid record. */
  revalidationDue(): boolean {
    if (!this.record || !this.recordValid()) return false;
    return now() - Date.parse(this.record.checkedAt) >= this.record.revalidateMinutes * 60_000;
  }

  /**
   * The background check of a returning visitor's record: a changed fingerprint means a
   * material change, so the record stops counting and the visitor is asked again (R9.12).
   * Returns true when the banner must now be shown.
   */
  async revalidate(): Promise<boolean> {
    const before = this.effectiveCategories();
    const boot = await this.ensureBootstrap(true);
    if (!this.record) return true;
    // An identified browser also picks up a newer choice the person made on another device
    // (no extra request for anyone else).
    if (this.record.subject && (await this.loadIdentity?.().then((m) => m.pull(this), () => false))) return false;
    if (this.recordValid()) {
      this.record = { ...this.record, checkedAt: new Date(now()).toISOString() };
      writeRecord(this.record);
      return false;
    }
    this.applyEffective(before, "load");
    return true;
  }

  /**
   * After bootstrap on a visit that needs the banner: applies the regime's defaults (opt-out
   * and notice grant what GPC allows) and records GPC automatically where the visitor need
   * not be asked (R2.2). Returns what the banner should show.
   */
  async settleWithoutRecord(): Promise<"ask" | "notice" | "gpc-honored"> {
    const boot = await this.ensureBootstrap();
    const regime = boot.edge.regime;
    if (regime === "opt-in") return "ask";
    const before = Object.fromEntries(boot.categories.map((c) => [c.id, c.required]));
    this.applyEffective(before, "load");
    return this.gpc && boot.categories.some((c) => c.saleOrSharing) && (await this.loadDecisions!()).honorGpc(this, true) ? "gpc-honored" : "notice";
  }

  // -------------------------------------------------------------------------------------------
  // Changes of record (decisions are made in ./decisions.ts, loaded when one is)
  // -------------------------------------------------------------------------------------------

  /**
   * Takes `record` as this browser's: stored locally first (the UI can close at once), applied
   * at once, and, when it carries a pending decision, sent to the Worker.
   */
  adopt(record: LocalRecord, surface: AssentChangeDetail["surface"]): void {
    const before = this.effectiveCategories();
    this.record = record;
    writeRecord(record);
    this.applyEffective(before, surface);
    void this.sync();
  }

  /** Whom a new record belongs to: this browser's visitor, or the person `identify` found. */
  owner(): Identity {
    const { visitorId, token, subject } = this.record ?? this.identity ?? {};
    return { visitorId, token, subject };
  }

  /**
   * This browser now follows `identity` (after `identify`): the record switches to it, or,
   * with no record yet, the first decision will be recorded for the person.
   */
  setOwner(identity: Identity): void {
    if (!this.record) this.identity = identity;
    else writeRecord((this.record = { ...this.record, ...identity }));
  }

  /**
   * Applies the effective state after a change: one Consent Mode update, gated scripts and
   * embeds, clean-up of what withdrawn categories stored, and the change event.
   */
  private applyEffective(before: Record<string, boolean>, surface: AssentChangeDetail["surface"]): void {
    const after = this.effectiveCategories();
    const mapping = this.record?.consentMode ?? Object.fromEntries((this.bootstrap?.categories ?? []).map((c) => [c.id, c.consentMode]));
    updateConsentMode(mapping, after, this.gpc, this.recordValid() && this.record!.usOptOut?.saleSharing);
    const withdrawn = Object.keys(before).filter((id) => before[id] && !after[id]);
    const storage = this.record?.storage ?? {};
    for (const id of withdrawn) deleteCategoryStorage(storage[id] ?? this.bootstrap?.categories.find((c) => c.id === id)?.storage ?? []);
    void this.refreshGates();
    const changed = Object.keys({ ...before, ...after }).filter((id) => before[id] !== after[id]);
    this.emit("assent-change", { state: this.state(), changed, surface });
    this.notify();
  }

  // -------------------------------------------------------------------------------------------
  // Sync with the Worker (./sync.ts)
  // -------------------------------------------------------------------------------------------

  /**
   * Sends the pending decision, if any, now (a decision, back online) or after `delayMs`; the
   * code that sends and retries it (./sync.ts) is fetched only when there is one.
   */
  sync(delayMs = 0): Promise<void> {
    if (!this.record?.pending) return Promise.resolve();
    return this.loadSync!().then((m) => (this.syncer ??= new m.DecisionSync(this)).schedule(delayMs));
  }

  /** @internal The Worker answered a sync: announce it (surface "sync"). */
  synced(): void {
    this.emit("assent-change", { state: this.state(), changed: [], surface: "sync" });
    this.notify();
  }

  /** @internal The Worker says the policy changed under the visitor: ask again with the new one. */
  policyChanged(record: LocalRecord): void {
    this.bootstrap = null;
    this.bootstrapPromise = null;
    record.expiresAt = new Date(0).toISOString();
    writeRecord(record);
    this.synced();
    this.onPolicyChanged?.();
  }

  /** Called when the Worker says the policy changed; the loader shows the banner again. */
  onPolicyChanged: (() => void) | undefined;

  // -------------------------------------------------------------------------------------------
  // Identity across devices (the requests are in ./identity.ts, loaded when needed)
  // -------------------------------------------------------------------------------------------

  /**
   * `assent.identify(signed)`: this browser belongs to the person the site's backend signed
   * (`id1.<base64url(subject)>.<exp>.<mac>`); `null` forgets them. When this browser already
   * holds that person's valid record nothing is loaded or sent. Calls run in order and never
   * reject: failures are logged, and the page keeps its current state.
   */
  identify(signed: unknown): Promise<void> {
    return (this.identifying = this.identifying
      .then(async () => {
        // The subject as the identity carries it (base64url): enough to recognise the person
        // already here, with no decoding; the Worker verifies the signature.
        const [version, subject = "", , mac] = String(signed).split(".");
        if (signed !== null && (version != "id1" || !subject || !mac)) throw Error("identify() takes a signed identity (id1.…) or null");
        if (signed === null ? this.record?.subject || this.identity : this.record?.subject !== subject || !this.recordValid())
          await (await this.loadIdentity!()).identify(this, signed as string | null, subject);
      })
      .catch((err: unknown) => report("identify failed", err)));
  }

  /**
   * Forgets the visitor on this browser: the record (and any identity kept for the first
   * decision) goes, retrying stops, and optional categories go back to the regime's defaults at
   * once. Returns the record that was forgotten, for the requests that follow (revoking its
   * token, erasing its data).
   */
  forget(surface: ConsentSurface = "api"): LocalRecord | null {
    const record = this.record;
    this.identity = undefined;
    const before = this.effectiveCategories();
    this.syncer?.stop();
    clearRecord(this.siteId, record?.cookieMirror);
    this.record = null;
    this.applyEffective(before, surface);
    return record;
  }

  /** Drops the identity kept for the first decision (`identify(null)` before any decision). */
  forgetIdentity(): void {
    this.identity = undefined;
  }

  // -------------------------------------------------------------------------------------------
  // Events
  // -------------------------------------------------------------------------------------------

  /** UI subscription: called after every change. */
  subscribe(fn: Listener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private notify(): void {
    for (const fn of this.listeners) {
      try {
        fn();
      } catch (err) {
        report("listener failed", err);
      }
    }
  }

  /** Dispatches a composed DOM event on `document` with a copy of the detail. */
  emit<K extends keyof AssentEventMap>(name: K, detail: AssentEventMap[K]): void {
    document.dispatchEvent(new CustomEvent(name, { detail: structuredClone(detail), bubbles: true, composed: true }));
  }

  /** Another tab of this site changed the record: adopt it when it is newer (R6.1). */
  adoptFromOtherTab(): void {
    const theirs = readRecord(this.siteId);
    // Another tab forgot the person (identify(null) on logout): so does this one.
    if (!theirs && this.record?.subject) void this.identify(null);
    if (!theirs || (this.record && Date.parse(theirs.updatedAt) <= Date.parse(this.record.updatedAt))) return;
    const before = this.effectiveCategories();
    this.record = theirs;
    this.applyEffective(before, "sync");
  }
}
