/**
 * Identity across devices, the part that talks to the Worker: loaded with the lazily loaded
 * chunk (`assent-preferences.js`), never in the first-visit bundle. The controller keeps only
 * the check that needs no request: "this browser already holds this person's valid record".
 *
 * - `identify`: POST /identify with the signed identity (and this browser's token, so a first
 *   device's own choices become the person's), then keep the newer choice (R6.1):
 *   the person's stored choice is newer → adopt it (applied, stored with the person's visitor
 *   and token, `assent-change` with surface "sync"); this browser's choice is newer → switch to
 *   the person's token and record it for them again (a decision with surface "sync").
 * - `identify(null)`: forget the person on this browser (shared devices, logout).
 * - `pull`: the background revalidation of an identified browser: GET /me, adopt if newer.
 */
import type { IdentifyResponse, Preferences } from "../worker/contract";
import { ApiFailure, call, postDecision, siteUrl } from "./api-client";
import type { Controller, Identity } from "./controller";
import { clearRecord, writeRecord } from "./storage";

/** Runs `identify(signed)` for `subject` (its base64url part of the identity); `null` forgets. */
export async function identify(c: Controller, signed: string | null, subject: string): Promise<void> {
  if (signed === null) return forget(c);
  // Another person's record (a shared browser where nobody called identify(null)) is never
  // carried over to this one, and its token is not offered.
  if (c.record?.subject && c.record.subject !== subject) forget(c);
  const token = c.record?.token;
  const boot = c.ensureBootstrap();
  boot.catch(() => undefined);
  const res = await call<IdentifyResponse>(siteUrl(c.endpoint, c.siteId, "identify"), {
    method: "POST",
    headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ identity: signed }),
  }).catch((err: unknown) => {
    // For the console: the problem's stable code (invalid_identity, identity_expired …).
    throw err instanceof ApiFailure ? new Error(`${err.status} ${err.code}: ${err.message}`) : err;
  });
  await boot;
  const identity: Identity = { subject, visitorId: res.visitorId, token: res.token };
  // Read after the request: a decision may have been made meanwhile.
  const local = c.record;
  if (adoptIfNewer(c, res.preferences, identity)) return;
  if (!local) {
    // Nothing here or there yet: the first decision will be recorded for the person.
    c.identity = identity;
    return;
  }
  c.record = { ...local, ...identity };
  // This browser's choice still counts and is newer than the person's (or they have none):
  // record it for them, unless it already is their latest (the first device's own choice).
  if (c.recordValid() && local.kind === "decision" && local.receiptId !== res.preferences?.receiptId)
    c.decide(local.action === "accept_all" || local.action === "reject_all" ? local.action : "custom", "sync", local.categories);
  else writeRecord(c.record);
}

/**
 * Takes the stored state `theirs` when it counts (the current policy, not expired) and is newer
 * than this browser's valid decision; applied like any change, announced with surface "sync".
 * A notice acknowledged here is no decision: any stored decision beats it. Needs bootstrap.
 */
export function adoptIfNewer(c: Controller, theirs: Preferences | null, identity?: Identity): boolean {
  const local = c.recordValid() && c.record!.kind === "decision" ? c.record! : null;
  if (!theirs || theirs.policyFingerprint !== c.bootstrap!.policy.fingerprint || Date.parse(theirs.expiresAt) <= Date.now()) return false;
  if (local && Date.parse(local.updatedAt) >= Date.parse(theirs.updatedAt)) return false;
  const before = c.effectiveCategories();
  c.record = {
    ...c.buildRecord("decision", theirs.categories, theirs.action),
    ...identity,
    updatedAt: theirs.updatedAt,
    expiresAt: theirs.expiresAt,
    receiptId: theirs.receiptId,
    version: theirs.version,
  };
  writeRecord(c.record);
  c.applyEffective(before, "sync");
  // GPC in this browser still wins over a grant made on another device (R2.3).
  c.honorGpcOverRecord();
  return true;
}

/**
 * The background check of an identified browser (bootstrap already fetched): the person's
 * stored choice, adopted when newer. True when it was adopted. Failures count as "nothing".
 */
export async function pull(c: Controller): Promise<boolean> {
  const token = c.record?.token;
  if (!token) return false;
  const theirs = await call<Preferences>(siteUrl(c.endpoint, c.siteId, "me"), { headers: { Authorization: `Bearer ${token}` } }).catch(() => null);
  return adoptIfNewer(c, theirs);
}

/**
 * Forgets the person on this browser: their record and token are removed here (they stay on
 * the Worker for their other devices), optional categories go back to the regime's defaults at
 * once, and the loader then shows the banner. A decision not yet recorded is sent first, then
 * the Worker revokes this browser's token (`DELETE /identify`), so a copy of it kept anywhere
 * stops working too; the person's other devices keep theirs.
 */
function forget(c: Controller): void {
  const record = c.record;
  c.identity = undefined;
  if (!record?.subject) return;
  const token = record.token;
  const revoke = () =>
    token &&
    call(siteUrl(c.endpoint, c.siteId, "identify"), { method: "DELETE", headers: { Authorization: `Bearer ${token}` }, keepalive: true }).catch(() => undefined);
  if (record.pending) postDecision(c.endpoint, c.siteId, record.pending, token).then(revoke, revoke);
  else void revoke();
  const before = c.effectiveCategories();
  c.stopSync();
  clearRecord(c.siteId, record.cookieMirror);
  c.record = null;
  c.applyEffective(before, "api");
}
