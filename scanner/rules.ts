/**
 * The scanner's rules: each has a stable id (the contract's SCAN_RULE_IDS), a severity, a plain
 * explanation and the requirement it comes from; `evaluateProfile` and `evaluateDeclared` turn
 * what the browser saw into findings. Pure functions over plain data (run-types.ts): the table
 * tests in test/node/scan-rules.test.ts call them without a browser.
 *
 * Severity: an **error** breaks a requirement (a leak, a missing or lopsided choice, GPC
 * ignored); a **warning** is a gap in the config or in the Consent Mode sequence that makes the
 * site's notice wrong; **info** is worth a look (possibly stale entries, party mismatches).
 */
import type {
  Regime,
  ScanButtonStyle,
  ScanConsentModeCall,
  ScanCookie,
  ScanEvidence,
  ScanFinding,
  ScanObservation,
  ScanRuleId,
  ScanSeverity,
  ScanState,
  ScanStorageKey,
} from "../worker/contract";
import { type Declared, type StorageType, matchDeclared, matchHost } from "./declared";
import type { ProfileRun } from "./run-types";
import { vendorForHost, vendorForStorage } from "./vendors";

export interface RuleInfo {
  severity: ScanSeverity;
  title: string;
  /** What the rule checks and why, for the report and docs/scanner.md. */
  explanation: string;
  /** The requirement(s) it comes from. */
  requirement: string;
}

export const RULES: Record<ScanRuleId, RuleInfo> = {
  "before-choice/cookie": {
    severity: "error",
    title: "Cookie before a choice",
    explanation: "Where consent is needed (opt-in), no cookie outside the necessary category may be written before the visitor chooses.",
    requirement: "R1.1, R1.2",
  },
  "before-choice/storage": {
    severity: "error",
    title: "Storage before a choice",
    explanation: "Where consent is needed, no localStorage or sessionStorage key outside the necessary category may be written before the visitor chooses.",
    requirement: "R1.1, R1.2",
  },
  "before-choice/third-party": {
    severity: "error",
    title: "Third party contacted before a choice",
    explanation: "Where consent is needed, the page may contact no third-party host before a choice unless the config lists it under a necessary vendor.",
    requirement: "R1.1, R3.6",
  },
  "reject/cookie": {
    severity: "error",
    title: "Cookie after Reject all",
    explanation: "After \"Reject all\" (or an opt-out), no refused category's cookie may be set, and those set before must be gone, on that page, after a reload and on the next page.",
    requirement: "R1.7, R1.10, R2.2",
  },
  "reject/storage": {
    severity: "error",
    title: "Storage after Reject all",
    explanation: "After \"Reject all\" (or an opt-out), no refused category's storage key may be written or kept.",
    requirement: "R1.7, R1.10, R2.2",
  },
  "reject/third-party": {
    severity: "error",
    title: "Third party contacted after Reject all",
    explanation: "After \"Reject all\" (or an opt-out), the page may not load or send to a refused category's hosts.",
    requirement: "R1.7, R2.2",
  },
  "gpc/not-honoured": {
    severity: "error",
    title: "GPC not honoured",
    explanation: "With Global Privacy Control on, every sale/sharing category is off: nothing of theirs is stored or sent, the record says so and Consent Mode denies the ad types.",
    requirement: "R2.1, R2.2, R3.5",
  },
  "gpc/not-shown": {
    severity: "error",
    title: "GPC honoured silently",
    explanation: "When GPC is honoured the page must say so (for example \"Opt-Out Request Honored\").",
    requirement: "R2.4",
  },
  "banner/missing": {
    severity: "error",
    title: "No banner",
    explanation: "A first visit where consent is needed must show a banner with a choice.",
    requirement: "R1.1, R1.3",
  },
  "banner/no-reject": {
    severity: "error",
    title: "No reject or opt-out on the first layer",
    explanation: "The first layer offers \"Reject all\" next to \"Accept all\" (opt-in), or a \"Do Not Sell or Share\" opt-out (opt-out regimes), as a real button.",
    requirement: "R1.3, R2.5, R2.8",
  },
  "banner/reject-weaker": {
    severity: "error",
    title: "Reject weaker than accept",
    explanation: "\"Reject all\" has the same weight as \"Accept all\": not smaller, not in smaller or lighter type, not paler (its label keeps 4.5:1 contrast when accept's does).",
    requirement: "R1.9, R2.8",
  },
  "banner/pre-ticked": {
    severity: "error",
    title: "Pre-ticked choice",
    explanation: "Where consent is needed, no box or switch on any layer is on before the visitor turns it on; only the necessary category is shown on and locked.",
    requirement: "R1.4",
  },
  "banner/escape-grants": {
    severity: "error",
    title: "Closing grants something",
    explanation: "Escape or closing the preference center is not consent: nothing is stored, sent or granted.",
    requirement: "R1.7",
  },
  "consent-mode/default-late": {
    severity: "error",
    title: "Consent Mode default too late",
    explanation: "`gtag('consent', 'default', …)` comes before any `config` or `event` command, so no tag runs on unknown consent.",
    requirement: "R3.1",
  },
  "consent-mode/update-count": {
    severity: "warning",
    title: "Not one Consent Mode update per choice",
    explanation: "Each choice is followed by exactly one `gtag('consent', 'update', …)`.",
    requirement: "R3.3",
  },
  "declared/undeclared": {
    severity: "warning",
    title: "Not declared",
    explanation: "A cookie, storage key or third-party host the scanner saw that no category of the config lists: the visitor was not told about it. The report proposes an entry.",
    requirement: "R0.1, R1.6",
  },
  "declared/stale": {
    severity: "info",
    title: "Declared but not seen",
    explanation: "An entry of the config the scanner never saw in any state (even after \"Accept all\"): possibly stale, or only set on pages the scan did not visit.",
    requirement: "R0.1",
  },
  "declared/lifetime": {
    severity: "warning",
    title: "Lives longer than declared",
    explanation: "A cookie whose expiry is later than the duration the config states (or a declared session cookie that persists).",
    requirement: "R0.1, R1.6",
  },
  "declared/party": {
    severity: "info",
    title: "First/third party differs",
    explanation: "A cookie declared as first party that a third-party domain set, or the reverse.",
    requirement: "R0.1",
  },
  "scan/location": {
    severity: "info",
    title: "Location not simulated",
    explanation: "The site's Assent Worker placed the profile elsewhere than it stands for (a deployed Worker reads the real location; only a local one takes the scanner's location header). The rules used the regime it chose.",
    requirement: "R0.4",
  },
};

/** What an observed item is, by the config (and the vendor table when it is undeclared). */
interface Standing {
  declared: boolean;
  category: string | null;
  necessary: boolean;
  /** Sale/sharing by its category, or by the vendor table when undeclared. */
  saleOrSharing: boolean;
}

function storageStanding(declared: Declared, name: string, type: StorageType): Standing {
  const item = matchDeclared(declared, name, type);
  if (item) return { declared: true, category: item.category, necessary: item.necessary, saleOrSharing: item.saleOrSharing };
  const known = type === "indexedDB" ? undefined : vendorForStorage(name, type);
  return { declared: false, category: null, necessary: false, saleOrSharing: known?.vendor.saleOrSharing ?? false };
}

function hostStanding(declared: Declared, host: string): Standing {
  const h = matchHost(declared, host);
  if (h) return { declared: true, category: h.category, necessary: h.necessary, saleOrSharing: h.saleOrSharing };
  return { declared: false, category: null, necessary: false, saleOrSharing: vendorForHost(host)?.saleOrSharing ?? false };
}

const cookieLabel = (c: ScanCookie) => `cookie ${c.name} (${c.domain})`;
const storageLabel = (s: ScanStorageKey) => `${s.area} key ${s.key}`;
const standingLabel = (s: Standing) => (s.declared ? `category "${s.category}"` : "not declared");

/** Which items a state forbids: everything not necessary, or only sale/sharing. */
type Forbidden = (s: Standing) => boolean;
const notNecessary: Forbidden = (s) => !s.necessary;
const saleOrSharing: Forbidden = (s) => !s.necessary && s.saleOrSharing;

interface Sink {
  /** Adds a finding; the same rule about the same thing (`key`) in a later state is folded into the first. */
  add(rule: ScanRuleId, state: ScanState | null, page: string, message: string, evidence: ScanEvidence, key?: string): void;
}

function checkObservation(
  o: ScanObservation,
  declared: Declared,
  forbidden: Forbidden,
  rules: { cookie: ScanRuleId; storage: ScanRuleId; request: ScanRuleId },
  when: string,
  sink: Sink,
): void {
  for (const cookie of o.cookies) {
    const s = storageStanding(declared, cookie.name, "cookie");
    if (forbidden(s)) sink.add(rules.cookie, o.state, o.page, `${cookieLabel(cookie)} was there ${when} (${standingLabel(s)}).`, { kind: "cookie", cookie }, `cookie:${cookie.name}`);
  }
  for (const item of o.storage) {
    const s = storageStanding(declared, item.key, item.area);
    if (forbidden(s)) sink.add(rules.storage, o.state, o.page, `${storageLabel(item)} was there ${when} (${standingLabel(s)}).`, { kind: "storage", item }, `${item.area}:${item.key}`);
  }
  const seenHosts = new Set<string>();
  for (const request of o.requests) {
    if (!request.thirdParty || seenHosts.has(request.host)) continue;
    const s = hostStanding(declared, request.host);
    if (!forbidden(s)) continue;
    seenHosts.add(request.host);
    sink.add(rules.request, o.state, o.page, `${request.host} was contacted ${when} (${request.type}; ${standingLabel(s)}).`, { kind: "request", request }, `host:${request.host}`);
  }
}

const BEFORE_RULES = { cookie: "before-choice/cookie", storage: "before-choice/storage", request: "before-choice/third-party" } as const;
const REJECT_RULES = { cookie: "reject/cookie", storage: "reject/storage", request: "reject/third-party" } as const;
const GPC_RULES = { cookie: "gpc/not-honoured", storage: "gpc/not-honoured", request: "gpc/not-honoured" } as const;
const REJECT_STATES = new Set<ScanState>(["reject", "reject-reload", "reject-next-page"]);
const AD_TYPES = ["ad_storage", "ad_user_data", "ad_personalization"];

/** A `gtag('config' | 'event')` or a dataLayer `event` before the first `consent default`. */
function defaultLate(calls: ScanConsentModeCall[]): ScanConsentModeCall[] | null {
  const first = calls.findIndex((c) => c.command === "consent" && c.target === "default");
  const early = (first === -1 ? calls : calls.slice(0, first)).filter((c) => c.command === "config" || c.command === "event");
  return early.length ? calls.slice(0, (first === -1 ? calls.length : first + 1)).slice(0, 50) : null;
}

/** Button symmetry: what makes `reject` weaker than `accept`, in words (empty: equal weight). */
export function weakerBy(accept: ScanButtonStyle, reject: ScanButtonStyle): string[] {
  const why: string[] = [];
  const area = (b: ScanButtonStyle) => b.width * b.height;
  if (area(reject) < 0.75 * area(accept)) why.push(`it is ${Math.round((100 * area(reject)) / area(accept))}% of accept's size`);
  if (reject.fontSize < accept.fontSize * 0.9) why.push(`its text is ${reject.fontSize}px against ${accept.fontSize}px`);
  if (reject.fontWeight + 200 <= accept.fontWeight) why.push(`its text weight is ${reject.fontWeight} against ${accept.fontWeight}`);
  if (reject.contrast < 4.5 && reject.contrast < accept.contrast) why.push(`its label contrast is ${reject.contrast.toFixed(2)}:1 against ${accept.contrast.toFixed(2)}:1`);
  return why;
}

/** The findings of one profile's run, except declared-vs-observed (see evaluateDeclared). */
export function evaluateProfile(run: ProfileRun, declared: Declared, expectedRegime: Regime, expectedJurisdiction: string): ScanFinding[] {
  const findings: ScanFinding[] = [];
  const folded = new Map<string, { finding: ScanFinding; also: Set<string> }>();
  const start = run.pages[0] ?? "";
  const sink: Sink = {
    add: (rule, state, page, message, evidence, key) => {
      const id = key === undefined ? null : `${rule}|${key}`;
      const earlier = id ? folded.get(id) : undefined;
      if (earlier) {
        if (state && state !== earlier.finding.state) earlier.also.add(state);
        return;
      }
      const finding: ScanFinding = { rule, severity: RULES[rule].severity, profile: run.profile, state, page, message, evidence };
      findings.push(finding);
      if (id) folded.set(id, { finding, also: new Set() });
    },
  };
  if (run.regimeSource === "worker" && (run.regime !== expectedRegime || run.jurisdiction !== expectedJurisdiction))
    sink.add("scan/location", null, start, `The site's Worker placed this visitor in ${run.jurisdiction ?? "an unknown location"} (${run.regime}); the profile stands for ${expectedJurisdiction} (${expectedRegime}).`, {
      kind: "text",
      text: `regime ${run.regime}, jurisdiction ${run.jurisdiction ?? "unknown"}`,
    });

  const optIn = run.regime === "opt-in";
  for (const o of run.observations) {
    if (o.state === "before" && optIn) checkObservation(o, declared, notNecessary, BEFORE_RULES, "before any choice", sink);
    if (REJECT_STATES.has(o.state))
      checkObservation(o, declared, optIn ? notNecessary : saleOrSharing, REJECT_RULES, optIn ? "after Reject all" : "after the opt-out", sink);
    if (run.gpc && o.state !== "accept") checkObservation(o, declared, saleOrSharing, GPC_RULES, "with GPC on", sink);
    const late = defaultLate(o.consentMode);
    if (late) sink.add("consent-mode/default-late", o.state, o.page, "A Consent Mode config or event command ran before the consent default.", { kind: "consent-mode", calls: late }, "order");
    if (run.gpc && o.state !== "accept") {
      const lastConsent = [...o.consentMode].reverse().find((c) => c.command === "consent" && c.values);
      const granted = AD_TYPES.filter((t) => lastConsent?.values?.[t] === "granted");
      if (granted.length)
        sink.add("gpc/not-honoured", o.state, o.page, `With GPC on, Consent Mode grants ${granted.join(", ")}.`, { kind: "consent-mode", calls: [lastConsent!] }, "consent-mode");
    }
  }

  if (run.gpc) {
    const saleCategories = declared.categories.filter((c) => c.saleOrSharing && !c.required).map((c) => c.id);
    const on = run.record ? saleCategories.filter((id) => run.record![id]) : [];
    if (on.length)
      sink.add("gpc/not-honoured", null, start, `With GPC on, the visitor's record grants ${on.join(", ")}.`, { kind: "record", categories: run.record! });
    if (run.gpcShown === false)
      sink.add("gpc/not-shown", "before", start, "Nothing on the page said that the opt-out request was honoured.", { kind: "text", text: "no \"Opt-Out Request Honored\" (or similar) text was visible" });
  }

  if (!run.gpc) {
    if (optIn && !run.bannerFound) sink.add("banner/missing", "before", start, "No banner with Accept all / Reject all appeared on a first visit.", { kind: "text", text: "no first-layer buttons found within the wait" });
    if (optIn && run.bannerFound && run.buttons?.accept && !run.buttons.reject)
      sink.add("banner/no-reject", "before", start, "The first layer has \"Accept all\" but no \"Reject all\" button.", { kind: "buttons", accept: run.buttons.accept, reject: null });
    if (!optIn && !run.optOutFound)
      sink.add("banner/no-reject", "before", start, "No \"Do Not Sell or Share\" opt-out was offered on the first layer.", { kind: "text", text: "no opt-out button or link found" });
    if (run.buttons?.accept && run.buttons.reject) {
      const why = weakerBy(run.buttons.accept, run.buttons.reject);
      if (why.length)
        sink.add("banner/reject-weaker", "before", start, `"${run.buttons.reject.label}" is weaker than "${run.buttons.accept.label}": ${why.join("; ")}.`, {
          kind: "buttons",
          accept: run.buttons.accept,
          reject: run.buttons.reject,
        });
    }
    // Opt-in only: under an opt-out regime the site's defaults may be on until the visitor opts out.
    for (const control of optIn ? run.controls : [])
      if (control.checked && !control.disabled)
        sink.add("banner/pre-ticked", "before", start, `"${control.label}" is on before the visitor chose.`, { kind: "control", label: control.label, checked: true });
  }

  const escape = run.observations.find((o) => o.state === "escape");
  const before = run.observations.find((o) => o.state === "before");
  if (escape && before && optIn) {
    const had = new Set([...before.cookies.map((c) => `c:${c.name}`), ...before.storage.map((s) => `s:${s.key}`), ...before.requests.map((r) => `h:${r.host}`)]);
    const added: ScanObservation = {
      ...escape,
      cookies: escape.cookies.filter((c) => !had.has(`c:${c.name}`)),
      storage: escape.storage.filter((s) => !had.has(`s:${s.key}`)),
      requests: escape.requests.filter((r) => !had.has(`h:${r.host}`)),
    };
    const rules = { cookie: "banner/escape-grants", storage: "banner/escape-grants", request: "banner/escape-grants" } as const;
    checkObservation(added, declared, notNecessary, rules, "after Escape", sink);
    const granted = escape.consentMode.filter((c) => c.command === "consent" && c.target === "update" && Object.entries(c.values ?? {}).some(([t, v]) => v === "granted" && t !== "security_storage"));
    if (granted.length) sink.add("banner/escape-grants", "escape", escape.page, "Escape sent a Consent Mode update that grants something.", { kind: "consent-mode", calls: granted.slice(0, 50) });
  }

  const usesConsentMode = run.observations.some((o) => o.consentMode.some((c) => c.command === "consent" && c.target === "default"));
  if (usesConsentMode)
    for (const choice of run.choices) {
      const updates = choice.calls.filter((c) => c.command === "consent" && c.target === "update");
      if (updates.length !== 1)
        sink.add("consent-mode/update-count", choice.state, choice.page, `The choice was followed by ${updates.length} Consent Mode updates, not one.`, { kind: "consent-mode", calls: choice.calls.slice(0, 50) });
    }
  for (const { finding, also } of folded.values())
    if (also.size) finding.message = `${finding.message.replace(/\.$/, "")}; also ${[...also].join(", ")}.`.slice(0, 500);
  return findings;
}

/** Lifetime tolerance: a cookie may outlive its declared duration by a day or 10%. */
const outlives = (observed: number, declaredDays: number) => observed > declaredDays * 1.1 + 1;

/**
 * Declared vs observed, over every profile and state: undeclared items and hosts (with the
 * profile and state where each was first seen), declared entries never seen, lifetimes longer
 * than declared, and first/third-party mismatches.
 */
export function evaluateDeclared(runs: ProfileRun[], declared: Declared): ScanFinding[] {
  const findings: ScanFinding[] = [];
  const seenItems = new Set<string>();
  const reported = new Set<string>();
  const add = (run: ProfileRun, o: ScanObservation, rule: ScanRuleId, key: string, message: string, evidence: ScanEvidence) => {
    if (reported.has(`${rule}|${key}`)) return;
    reported.add(`${rule}|${key}`);
    findings.push({ rule, severity: RULES[rule].severity, profile: run.profile, state: o.state, page: o.page, message, evidence });
  };
  for (const run of runs)
    for (const o of run.observations) {
      for (const cookie of o.cookies) {
        const item = matchDeclared(declared, cookie.name, "cookie");
        if (!item) {
          add(run, o, "declared/undeclared", `cookie:${cookie.name}`, `${cookieLabel(cookie)} is not in the site config.`, { kind: "cookie", cookie });
          continue;
        }
        seenItems.add(`${item.type}:${item.name}`);
        if (cookie.expiresDays !== null && (item.durationDays === null || outlives(cookie.expiresDays, item.durationDays)))
          add(run, o, "declared/lifetime", `cookie:${cookie.name}`, `${cookieLabel(cookie)} lasts ${Math.round(cookie.expiresDays)} days; the config says ${item.durationDays === null ? "the session" : `${item.durationDays} days`}.`, {
            kind: "cookie",
            cookie,
          });
        if (cookie.thirdParty !== item.thirdParty)
          add(run, o, "declared/party", `cookie:${cookie.name}`, `${cookieLabel(cookie)} is ${cookie.thirdParty ? "third" : "first"} party; the config says ${item.thirdParty ? "third" : "first"} party.`, { kind: "cookie", cookie });
      }
      for (const s of o.storage) {
        const item = matchDeclared(declared, s.key, s.area);
        if (item) seenItems.add(`${item.type}:${item.name}`);
        else add(run, o, "declared/undeclared", `${s.area}:${s.key}`, `${storageLabel(s)} is not in the site config.`, { kind: "storage", item: s });
      }
      for (const request of o.requests) {
        if (!request.thirdParty) continue;
        const host = matchHost(declared, request.host);
        if (host) seenItems.add(`host:${host.host}`);
        else add(run, o, "declared/undeclared", `host:${request.host}`, `${request.host} is contacted but no vendor of the config lists it.`, { kind: "request", request });
      }
    }
  const first = runs[0];
  const page = first?.pages[0] ?? "";
  if (first) {
    const o = { state: null, page };
    for (const item of declared.items)
      if (!seenItems.has(`${item.type}:${item.name}`) && item.type !== "indexedDB")
        findings.push({ rule: "declared/stale", severity: RULES["declared/stale"].severity, profile: first.profile, ...o, message: `${item.type} ${item.name} (category "${item.category}") was declared but never seen.`, evidence: { kind: "declared", name: item.name, type: item.type, category: item.category, durationDays: item.durationDays, thirdParty: item.thirdParty } });
    for (const h of declared.hosts)
      if (!seenItems.has(`host:${h.host}`))
        findings.push({ rule: "declared/stale", severity: RULES["declared/stale"].severity, profile: first.profile, ...o, message: `Host ${h.host} (vendor "${h.vendor}") was declared but never contacted.`, evidence: { kind: "declared", name: h.host, type: "host", category: h.category, durationDays: null, thirdParty: true } });
  }
  return findings;
}
