/**
 * The consent rules the widget and the Worker share, in one place and free of zod (the widget
 * bundles this file; it must stay small and depend on nothing).
 *
 * - which categories a decision grants (`checkDecision`, `resolveDecision`), GPC included;
 * - how long a decision or an acknowledged notice lasts (`lifetimeDays`, `expiresAt`);
 * - when a stored choice no longer counts and the visitor is asked again (`stillCounts`);
 * - what is in effect without a choice that counts (`regimeDefaults`), and with one
 *   (`effectivePermissions`);
 * - the US opt-out a decision states, kept apart from the consent booleans (`usOptOutOf`), and
 *   what both together permit (`effectivePermissions`, R0.3); an opt-out lasts at least 12
 *   months (`lifetimeDays`, R2.7).
 *
 * The Worker refuses a decision `checkDecision` objects to (its error codes are the violations'
 * codes); the widget only ever builds decisions that pass, so it goes straight to
 * `resolveDecision`. Both then record exactly the same categories for the same input.
 */

/** What a visitor did. */
export type ConsentAction = "accept_all" | "reject_all" | "custom" | "withdraw";

/** Where a visitor is, as far as consent goes: asked first, told and may refuse, or told. */
export type Regime = "opt-in" | "opt-out" | "notice";

/** What the rules need to know about a category. */
export interface CategoryRule {
  id: string;
  /** Strictly necessary: always on, cannot be refused. */
  required: boolean;
  /** Sale or sharing of personal data: Global Privacy Control turns it off. */
  saleOrSharing: boolean;
}

/** How long choices last, from the site's config. */
export interface Lifetimes {
  /** A decision that grants anything optional, or an acknowledged notice. */
  lifetimeDays: number;
  /** A decision that grants nothing optional (a refusal is respected this long). */
  refusalDays: number;
}

/** Why a decision cannot be recorded; `code` is the Worker's problem code. */
export type DecisionViolation =
  | { code: "unknown_category"; ids: string[] }
  | { code: "necessary_required"; id: string }
  | { code: "missing_category"; id: string }
  | { code: "choices_contradict_action"; id: string; expected: boolean; stated: boolean };

/**
 * The US opt-out state a decision records (R0.3), kept apart from the EU-style consent booleans:
 * opted out of the sale or sharing of personal data, and of targeted advertising. Assent's
 * `saleOrSharing` categories cover both, so one refusal states both; they are kept as two flags
 * because the laws name them separately and a backend may act on each.
 */
export interface UsOptOut {
  saleSharing: boolean;
  targetedAds: boolean;
}

/** The categories a decision records. */
export interface ResolvedDecision {
  /** Every category of the site, true or false; required ones always true. */
  categories: Record<string, boolean>;
  /** True when GPC turned off something the decision would otherwise have granted. */
  gpcApplied: boolean;
}

export const DAY_MS = 86_400_000;

/**
 * How long a US opt-out holds at least (R2.7): the visitor is not asked to opt back in to sale or
 * sharing for 12 months, unless they start it themselves (the preference center).
 */
export const OPT_OUT_HOLD_DAYS = 365;

/**
 * The first reason a decision cannot be recorded, or null when it can:
 * - a choice for a category the site does not have;
 * - a required category stated false;
 * - a `custom` decision that does not state every optional category;
 * - an `accept_all`, `reject_all` or `withdraw` whose choices say otherwise.
 */
export function checkDecision(categories: readonly CategoryRule[], action: ConsentAction, choices: Readonly<Record<string, boolean>> = {}): DecisionViolation | null {
  const known = new Set(categories.map((c) => c.id));
  const unknown = Object.keys(choices).filter((id) => !known.has(id));
  if (unknown.length > 0) return { code: "unknown_category", ids: unknown };
  for (const c of categories) if (c.required && choices[c.id] === false) return { code: "necessary_required", id: c.id };
  for (const c of categories) {
    const stated = choices[c.id];
    if (action === "custom") {
      if (!c.required && stated === undefined) return { code: "missing_category", id: c.id };
      continue;
    }
    const expected = wanted(c, action, choices);
    if (stated !== undefined && stated !== expected) return { code: "choices_contradict_action", id: c.id, expected, stated };
  }
  return null;
}

/** What the visitor asked for one category, before GPC. A custom choice left out counts as no. */
function wanted(c: CategoryRule, action: ConsentAction, choices: Readonly<Record<string, boolean>>): boolean {
  if (c.required) return true;
  if (action === "accept_all") return true;
  if (action === "custom") return choices[c.id] === true;
  return false;
}

/** True when GPC turns this category off. */
export function gpcTurnsOff(c: CategoryRule, gpc: boolean): boolean {
  return gpc && c.saleOrSharing && !c.required;
}

/** The categories a decision records: what was asked, with GPC applied. */
export function resolveDecision(categories: readonly CategoryRule[], action: ConsentAction, choices: Readonly<Record<string, boolean>> = {}, gpc = false): ResolvedDecision {
  let gpcApplied = false;
  const out: Record<string, boolean> = {};
  for (const c of categories) {
    const asked = wanted(c, action, choices);
    const off = gpcTurnsOff(c, gpc);
    if (off && asked) gpcApplied = true;
    out[c.id] = asked && !off;
  }
  return { categories: out, gpcApplied };
}

/**
 * The US opt-out a decision states (R0.3): GPC or an explicit opt-out request always opt out;
 * outside opt-in regimes (where sale and sharing are on until refused) so does refusing any
 * `saleOrSharing` category. Under opt-in rules a refusal is a refused consent, not an opt-out.
 */
export function usOptOutOf(categories: readonly CategoryRule[], decided: Readonly<Record<string, boolean>>, regime: Regime | null, gpc: boolean, request = false): UsOptOut {
  const refused = (regime ?? "opt-in") !== "opt-in" && categories.some((c) => c.saleOrSharing && !c.required && decided[c.id] === false);
  const out = gpc || request || refused;
  return { saleSharing: out, targetedAds: out };
}

/**
 * What is permitted, from the consent booleans and the US opt-out together (R0.3, R2.2): a
 * required category always; any other when consented, except that a `saleOrSharing` category is
 * off while GPC or an opt-out applies, whatever the consent says. A category the consent does not
 * state (added since) stays off until asked; one the site no longer has keeps its stated value.
 */
export function effectivePermissions(categories: readonly CategoryRule[], consent: Readonly<Record<string, boolean>>, usOptOut: UsOptOut | undefined, gpc: boolean): Record<string, boolean> {
  const off = gpc || usOptOut?.saleSharing || usOptOut?.targetedAds;
  const out: Record<string, boolean> = { ...consent };
  for (const c of categories) out[c.id] = c.required || (consent[c.id] === true && !(c.saleOrSharing && off));
  return out;
}
/** True when the categories grant anything beyond the required ones. */
export function grantsAnything(categories: readonly CategoryRule[], decided: Readonly<Record<string, boolean>>): boolean {
  return categories.some((c) => !c.required && decided[c.id] === true);
}

/**
 * How many days a choice lasts: an acknowledged notice or a decision granting anything optional
 * lasts `lifetimeDays`; a decision granting nothing optional lasts `refusalDays`; a decision that
 * opts out of sale or sharing lasts at least OPT_OUT_HOLD_DAYS (R2.7).
 */
export function lifetimeDays(kind: "decision" | "notice", categories: readonly CategoryRule[], decided: Readonly<Record<string, boolean>>, lifetimes: Lifetimes, usOptOut?: UsOptOut): number {
  const days = kind === "notice" || grantsAnything(categories, decided) ? lifetimes.lifetimeDays : lifetimes.refusalDays;
  return usOptOut?.saleSharing ? Math.max(days, OPT_OUT_HOLD_DAYS) : days;
}

/** When a choice made at `at` (ms since the epoch) for `days` days ends. */
export function expiresAt(at: number, days: number): Date {
  return new Date(at + days * DAY_MS);
}

/** What a stored choice needs for `stillCounts`. */
export interface StoredChoice {
  kind: "decision" | "notice";
  expiresAt: string;
  /** The policy fingerprint the choice was made under. */
  fingerprint: string;
  /** The US opt-out it stated, if any. */
  usOptOut?: UsOptOut;
}

/** What is known now; the policy's fingerprint and regime are unknown before bootstrap. */
export interface Now {
  at: number;
  fingerprint?: string;
  regime?: Regime | null;
}

/**
 * True while a stored choice counts; when it stops counting the visitor is asked again:
 * - it has expired;
 * - the policy changed materially (another fingerprint);
 * - it only acknowledged a notice, and opt-in rules apply now (the visitor travelled, or the
 *   site's regimes changed): a notice seen is no consent.
 * A US opt-out outlives a material change where opt-in rules do not apply (R2.7): asking again
 * there would ask the visitor to opt back in, which the law forbids for 12 months; whatever the
 * change added stays off (`applyRecord`) until the visitor opens the preference center.
 */
export function stillCounts(choice: StoredChoice, now: Now): boolean {
  if (Date.parse(choice.expiresAt) <= now.at) return false;
  const optedOut = choice.usOptOut?.saleSharing && now.regime && now.regime !== "opt-in";
  if (now.fingerprint !== undefined && choice.fingerprint !== now.fingerprint && !optedOut) return false;
  if (choice.kind === "notice" && now.regime === "opt-in") return false;
  return true;
}

/**
 * What is in effect without a choice that counts: opt-in (and an unknown regime) grants nothing
 * optional; opt-out and notice grant everything GPC does not turn off.
 */
export function regimeDefaults(categories: readonly CategoryRule[], regime: Regime | null, gpc: boolean): Record<string, boolean> {
  const optIn = (regime ?? "opt-in") === "opt-in";
  return Object.fromEntries(categories.map((c) => [c.id, c.required || (!optIn && !gpcTurnsOff(c, gpc))]));
}
