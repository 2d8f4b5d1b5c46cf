/**
 * Making a decision (a lazily loaded module, `decisions.js`): the code only a choice needs,
 * kept out of `assent.js` so a returning visitor never downloads it. The preference center,
 * the embed placeholder and identity import it; the banner fetches it as soon as the visitor
 * reaches for it (pointer or focus), and the core for `assent.acceptAll()` / `rejectAll()` and
 * for GPC (R2.2, R2.3).
 *
 * Every function builds a record from bootstrap and the rules in shared/consent-rules.ts and
 * hands it to `controller.adopt`, which stores it locally first, applies it and syncs it.
 */
import { expiresAt, lifetimeDays, resolveDecision, usOptOutOf } from "../../shared/consent-rules";
import type { Preferences } from "../../worker/contract";
import type { Controller, Identity } from "./controller";
import type { ConsentAction, ConsentSurface, LocalRecord } from "./types";

/** A record of this decision (or notice) for the current bootstrap, for this browser's visitor. */
function buildRecord(c: Controller, kind: LocalRecord["kind"], categories: Record<string, boolean>, action?: ConsentAction): LocalRecord {
  const boot = c.bootstrap!;
  const at = Date.now();
  // A notice only acknowledged states no opt-out; a decision states the one its choices make.
  const usOptOut = kind === "decision" ? usOptOutOf(boot.categories, categories, boot.edge.regime, c.gpc) : undefined;
  const days = lifetimeDays(kind, boot.categories, categories, boot.consent, usOptOut);
  return {
    v: 1,
    kind,
    siteId: c.siteId,
    categories,
    ...(action ? { action } : {}),
    gpc: c.gpc,
    ...(usOptOut ? { usOptOut } : {}),
    regime: boot.edge.regime,
    fingerprint: boot.policy.fingerprint,
    policyVersion: boot.policy.version,
    updatedAt: new Date(at).toISOString(),
    expiresAt: expiresAt(at, days).toISOString(),
    checkedAt: new Date(at).toISOString(),
    consentMode: Object.fromEntries(boot.categories.map((cat) => [cat.id, cat.consentMode])),
    required: boot.categories.filter((cat) => cat.required).map((cat) => cat.id),
    saleOrSharing: boot.categories.filter((cat) => cat.saleOrSharing).map((cat) => cat.id),
    waitForUpdateMs: boot.consentMode.waitForUpdateMs,
    revalidateMinutes: boot.widget.revalidateMinutes,
    floatingButton: boot.widget.floatingButton,
    ...(boot.widget.cookieMirror ? { cookieMirror: boot.widget.cookieMirror } : {}),
    storage: Object.fromEntries(
      boot.categories.map((cat) => [cat.id, cat.storage.map((s) => ({ name: s.name, type: s.type, ...(s.domain ? { domain: s.domain } : {}) }))]),
    ),
    // The visitor's identity (and the person it follows) survives new decisions and policy changes.
    ...c.owner(),
  };
}

/**
 * Records a decision: locally first (the UI can close at once), applied at once, then sent
 * to the Worker with a fresh idempotency key.
 */
export function decide(c: Controller, action: ConsentAction, surface: ConsentSurface, choices?: Record<string, boolean>): void {
  const boot = c.bootstrap;
  if (!boot) throw new Error("assent: decide() before bootstrap");
  const categories = resolveDecision(boot.categories, action, choices, c.gpc).categories;
  c.adopt(
    {
      ...buildRecord(c, "decision", categories, action),
      pending: {
        idempotencyKey: crypto.randomUUID(),
        body: {
          action,
          ...(action === "custom" ? { choices: categories } : {}),
          policyFingerprint: boot.policy.fingerprint,
          locale: boot.locale,
          gpc: c.gpc,
          widgetVersion: c.widgetVersion,
          textHash: boot.textHash,
          surface,
        },
        attempts: 0,
      },
    },
    surface,
  );
}

export const acceptAll = (c: Controller, surface: ConsentSurface) => decide(c, "accept_all", surface);
export const rejectAll = (c: Controller, surface: ConsentSurface) => decide(c, "reject_all", surface);
/** Saves exactly the visible toggles (required categories are always on). */
export const save = (c: Controller, choices: Record<string, boolean>, surface: ConsentSurface) => decide(c, "custom", surface, choices);

/**
 * Outside opt-in regimes, "OK" on the notice: remembers that the notice was seen (no visitor
 * id, nothing sent) so it is not shown again until the record expires or the policy changes.
 */
export function acknowledge(c: Controller): void {
  if (c.bootstrap) c.adopt(buildRecord(c, "notice", c.effectiveCategories()), "banner");
}

/**
 * GPC wins and is recorded (needs bootstrap; true when something was recorded): over an
 * earlier grant of a sale/sharing category in a valid record (R2.3), or, with `settle`, on a
 * visit with no record outside opt-in regimes, where the visitor need not be asked (R2.2).
 */
export function honorGpc(c: Controller, settle = false): boolean {
  const boot = c.bootstrap;
  const record = c.record;
  if (!c.gpc || !boot || (!settle && !c.recordValid())) return false;
  if (!boot.categories.some((cat) => cat.saleOrSharing && (settle || record!.categories[cat.id]))) return false;
  decide(c, "custom", "gpc", c.effectiveCategories());
  return true;
}

/**
 * Takes the person's stored choice `theirs` when it counts (the current policy, not expired)
 * and is newer than this browser's valid decision; applied like any change, announced with
 * surface "sync". A notice acknowledged here is no decision: any stored decision beats it.
 * With `identity` (after POST /identify), this browser also switches to the person's visitor:
 * kept for the first decision when nothing is here yet, else this browser's newer choice is
 * recorded for them. Needs bootstrap. Returns true when their choice was adopted.
 */
export function adoptStored(c: Controller, theirs: Preferences | null, identity?: Identity): boolean {
  const local = c.recordValid() && c.record!.kind === "decision" ? c.record! : null;
  if (
    theirs &&
    theirs.policyFingerprint === c.bootstrap!.policy.fingerprint &&
    Date.parse(theirs.expiresAt) > Date.now() &&
    !(local && Date.parse(local.updatedAt) >= Date.parse(theirs.updatedAt))
  ) {
    c.adopt(
      {
        ...buildRecord(c, "decision", theirs.categories, theirs.action),
        // Their opt-out as recorded, wherever it was made (R0.3).
        ...(theirs.usOptOut ? { usOptOut: { saleSharing: theirs.usOptOut.saleSharing, targetedAds: theirs.usOptOut.targetedAds } } : {}),
        ...identity,
        updatedAt: theirs.updatedAt,
        expiresAt: theirs.expiresAt,
        receiptId: theirs.receiptId,
        version: theirs.version,
      },
      "sync",
    );
    // GPC in this browser still wins over a grant made on another device (R2.3).
    honorGpc(c);
    return true;
  }
  if (!identity) return false;
  const current = c.record;
  c.setOwner(identity);
  // This browser's choice still counts and is newer than the person's (or they have none):
  // record it for them, unless it already is their latest (the first device's own choice).
  if (current && c.recordValid() && current.kind === "decision" && current.receiptId !== theirs?.receiptId)
    decide(c, current.action === "accept_all" || current.action === "reject_all" ? current.action : "custom", "sync", current.categories);
  return false;
}
