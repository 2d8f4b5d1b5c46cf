/**
 * Identity across devices, the part that talks to the Worker: a lazily loaded module of its own
 * (`identity.js`, fetched only when `identify()` has work to do or an identified browser's
 * background check runs), never in `assent.js`. The controller keeps the check that needs no
 * request ("this browser already holds this person's valid record") and the state changes
 * (`adopt`, `setOwner`, `forget`, through ./decisions.ts for a stored choice); this module only
 * makes the requests and calls those.
 *
 * - `identify`: POST /identify with the signed identity (and this browser's token, so a first
 *   device's own choices become the person's), then `controller.adopt`: the newer choice wins
 *   (R6.1).
 * - `identify(null)`: forget the person on this browser (shared devices, logout).
 * - `pull`: the background revalidation of an identified browser: GET /me, adopt if newer.
 */
import { type ApiFailure, fetchMe, identify as postIdentity, postDecision, unidentify } from "./api-client";
import type { Controller, Identity } from "./controller";
import { adoptStored } from "./decisions";

/** Runs `identify(signed)` for `subject` (its base64url part of the identity); `null` forgets. */
export async function identify(c: Controller, signed: string | null, subject: string): Promise<void> {
  if (signed === null) return forget(c);
  // Another person's record (a shared browser where nobody called identify(null)) is never
  // carried over to this one, and its token is not offered.
  if (c.record?.subject && c.record.subject !== subject) forget(c);
  const boot = c.ensureBootstrap();
  boot.catch(() => undefined);
  const res = await postIdentity(c.api, signed, c.record?.token).catch((err: unknown) => {
    // For the console: the problem's stable code (invalid_identity, identity_expired …).
    // (Duck-typed: this module is bundled apart from the core's ApiFailure class.)
    const failure = err as Partial<ApiFailure>;
    throw failure.code ? new Error(`${failure.status} ${failure.code}: ${failure.message}`) : err;
  });
  await boot;
  const identity: Identity = { subject, visitorId: res.visitorId, token: res.token };
  adoptStored(c, res.preferences, identity);
}

/**
 * The background check of an identified browser (bootstrap already fetched): the person's
 * stored choice, adopted when newer. True when it was adopted. Failures count as "nothing".
 */
export async function pull(c: Controller): Promise<boolean> {
  const token = c.record?.token;
  if (!token) return false;
  return adoptStored(c, await fetchMe(c.api, token).catch(() => null));
}

/**
 * Forgets the person on this browser: their record and token are removed here (they stay on
 * the Worker for their other devices), optional categories go back to the regime's defaults at
 * once, and the loader then shows the banner. A decision not yet recorded is sent first, then
 * the Worker revokes this browser's token (`DELETE /identify`), so a copy of it kept anywhere
 * stops working too; the person's other devices keep theirs.
 */
function forget(c: Controller): void {
  if (!c.record?.subject) {
    c.forgetIdentity();
    return;
  }
  const record = c.forget("api")!;
  const token = record.token;
  const revoke = () => token && unidentify(c.api, token).catch(() => undefined);
  if (record.pending) postDecision(c.api, record.pending, token).then(revoke, revoke);
  else void revoke();
}
