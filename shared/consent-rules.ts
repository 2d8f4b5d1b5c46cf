/**
 * The consent rules the widget and the Worker share, in one place and free of zod (the widget
 * bundles this file; it must stay small and depend on nothing).
 *
 * - which categories a decision grants (`checkDecision`, `resolveDecision`), GPC included;
 * - how long a decision or an acknowledged notice lasts (`lifetimeDays`, `expiresAt`);
 * - when a stored choice no longer counts and the visitor is asked again (`stillCounts`);
 * - what is in effect without a choice that counts (`regimeDefaults`), and with one
 *   (`applyRecord`).
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

/** The categories a decision records. */
export interface ResolvedDecision {
  /** Every category of the site, true or false; required ones always true. */
  categories: Record<string, boolean>;
  /** True when GPC turned off something the decision would otherwise have granted. */
  gpcApplied: boolean;
}

export const DAY_MS = 86_400_000;

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

/** True when the categories grant anything beyond the required ones. */
export function grantsAnything(categories: readonly CategoryRule[], decided: Readonly<Record<string, boolean>>): boolean {
  return categories.some((c) => !c.required && decided[c.id] === true);
}

/**
 * How many days a choice lasts: an acknowledged notice or a decision granting anything optional
 * lasts `lifetimeDays`; a decision granting nothing optional lasts `refusalDays`.
 */
export function lifetimeDays(kind: "decision" | "notice", categories: readonly CategoryRule[], decided: Readonly<Record<string, boolean>>, lifetimes: Lifetimes): number {
  return kind === "notice" || grantsAnything(categories, decided) ? lifetimes.lifetimeDays : lifetimes.refusalDays;
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
 */
export function stillCounts(choice: StoredChoice, now: Now): boolean {
  if (Date.parse(choice.expiresAt) <= now.at) return false;
  if (now.fingerprint !== undefined && choice.fingerprint !== now.fingerprint) return false;
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

/**
 * What is in effect with a choice that counts: its categories with GPC applied; a category the
 * choice does not know (added since, without a material change) stays off until asked.
 */
export function applyRecord(categories: readonly CategoryRule[], recorded: Readonly<Record<string, boolean>>, gpc: boolean): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  for (const [id, on] of Object.entries(recorded)) {
    const rule = categories.find((c) => c.id === id);
    out[id] = on && !(rule ? gpcTurnsOff(rule, gpc) : false);
  }
  for (const c of categories) if (!(c.id in out)) out[c.id] = c.required;
  return out;
}
