/**
 * The deadlines of a rights request (R9.6): when it must be acknowledged, answered, and how far
 * and until when it can be extended, under the laws a site follows.
 *
 * - GDPR Art. 12(3): answer "without undue delay and in any event within one month of receipt",
 *   extendable "by two further months where necessary", telling the person within the first
 *   month. A period ending on a Saturday, Sunday or public holiday ends on the next working day
 *   (Regulation (EEC, Euratom) No 1182/71, art. 3(4)).
 * - CCPA, Civ. Code 1798.130(a)(2) and CCPA Regulations § 7021: confirm receipt within 10
 *   business days, respond within 45 calendar days, extendable once by 45 more (90 in total) with
 *   notice given within the first 45.
 * - CCPA Regulations § 7026(f): act on an opt-out of sale/sharing within 15 business days; no
 *   extension and no confirmation of receipt.
 * - Shine the Light, Civ. Code 1798.83(b)(1)(C): answer within 30 days; no extension.
 *
 * Where several laws apply, each milestone takes the earliest of their dates, so the site meets
 * them all. Everything here is pure: dates are ISO calendar dates ("YYYY-MM-DD"), counted in UTC
 * on the strings themselves, and no argument is ever mutated. No zod: the Worker validated the
 * inputs already (worker/contract), and these rules are plain arithmetic.
 */
import type { RightsRequestType, RightsSettings } from "../contract";

export type { RightsRequestType };

/**
 * A law whose deadlines a site's rights requests follow ("gdpr" | "ccpa"). Taken from the
 * contract's `RightsSettings.laws`, so a law added there shows up here as a type error in
 * `lawDeadlines` rather than as a silently ignored value.
 */
export type PrivacyLaw = RightsSettings["laws"][number];

/** The calendar the deadlines are counted in: a site's `rights` settings, in short. */
export interface DeadlineRules {
  /** The laws that apply; several → the earliest date of each milestone. Empty → GDPR's. */
  laws: readonly PrivacyLaw[];
  /** Days that are not business days besides Saturdays and Sundays ("YYYY-MM-DD"). */
  holidays: readonly string[];
  /** IANA time zone the day of receipt is read in; default UTC. */
  timeZone?: string;
}

/** A request's deadlines, all ISO calendar dates ("YYYY-MM-DD"). */
export interface Deadlines {
  /** The day of receipt in the site's time zone: day 0 of every count. */
  receivedOn: string;
  /** Confirm receipt by this day (CCPA); null when no law asks for a confirmation. */
  acknowledgeBy: string | null;
  /** Answer by this day. */
  dueBy: string;
  /** The latest an extension may move `dueBy` to; null when the request cannot be extended. */
  extendedDueBy: string | null;
  /** The last day the requester can be told of an extension; null when there is none. */
  extendNoticeBy: string | null;
}

const DAY_MS = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

interface Ymd {
  y: number;
  /** 1–12. */
  m: number;
  d: number;
}

/** Splits and checks an ISO calendar date; throws RangeError for anything else (e.g. "2026-02-30"). */
function parse(date: string): Ymd {
  const match = ISO_DATE.exec(date);
  if (match) {
    const ymd = { y: Number(match[1]), m: Number(match[2]), d: Number(match[3]) };
    if (ymd.m >= 1 && ymd.m <= 12 && ymd.d >= 1 && ymd.d <= daysInMonth(ymd.y, ymd.m)) return ymd;
  }
  throw new RangeError(`not an ISO calendar date (YYYY-MM-DD): ${JSON.stringify(date)}`);
}

/** The number of days in a month (m = 1–12), leap years included. */
function daysInMonth(y: number, m: number): number {
  return m === 2 ? (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31;
}

/** Days since 1970-01-01 (UTC). A fresh Date with setUTCFullYear: `Date.UTC` maps years 0–99 to 19xx. */
function toDayNumber({ y, m, d }: Ymd): number {
  const t = new Date(0);
  t.setUTCFullYear(y, m - 1, d);
  return Math.round(t.getTime() / DAY_MS);
}

function fromDayNumber(n: number): string {
  const t = new Date(n * DAY_MS);
  return format({ y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() });
}

const pad = (n: number, width: number) => String(n).padStart(width, "0");
const format = ({ y, m, d }: Ymd) => `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;

const dayNumber = (date: string) => toDayNumber(parse(date));

/** The earlier of two ISO dates (string order is calendar order for "YYYY-MM-DD"). */
const earlier = (a: string, b: string) => (a <= b ? a : b);

function checkCount(n: number, what: string): void {
  if (!Number.isSafeInteger(n)) throw new RangeError(`${what} must be an integer, got ${n}`);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * The calendar date of an instant in an IANA time zone ("YYYY-MM-DD"). Why: the law counts
 * days, not hours, and a request sent at 23:30 on 31 December in Los Angeles was received on
 * 31 December there (2027-01-01 in Berlin), so the site's own time zone decides day 0.
 * Uses `formatToParts` rather than the formatted string, whose layout differs between ICU
 * versions. An unknown time zone throws the RangeError `Intl` throws; an invalid Date throws too.
 */
export function localDate(instant: Date, timeZone: string): string {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
    formatters.set(timeZone, formatter);
  }
  const parts = formatter.formatToParts(instant);
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  const ymd = { y: part("year"), m: part("month"), d: part("day") };
  if (![ymd.y, ymd.m, ymd.d].every(Number.isInteger)) throw new RangeError(`cannot read a calendar date in ${timeZone}`);
  return format(ymd);
}

/**
 * The date `n` calendar days after `date` (before it when `n` is negative). Why: CCPA's 45 and
 * 90 days and Shine the Light's 30 are calendar days, counted from the day after receipt.
 */
export function addCalendarDays(date: string, n: number): string {
  checkCount(n, "a number of days");
  return fromDayNumber(dayNumber(date) + n);
}

/**
 * The same day `n` months on, clamped to the end of a shorter month (Jan 31 + 1 → Feb 28, or
 * Feb 29 in a leap year). Why: GDPR's "one month" ends on the day of the next month with the
 * same number as the day of receipt, or on that month's last day when it has no such day
 * (Regulation 1182/71 art. 3(2)(c)).
 */
export function addMonths(date: string, n: number): string {
  checkCount(n, "a number of months");
  const { y, m, d } = parse(date);
  const index = y * 12 + (m - 1) + n;
  const year = Math.floor(index / 12);
  const month = index - year * 12 + 1;
  return format({ y: year, m: month, d: Math.min(d, daysInMonth(year, month)) });
}

/**
 * Whether `date` is a business day: not a Saturday, a Sunday or one of the site's `holidays`.
 * Why: CCPA counts its confirmation and opt-out periods in business days, and a GDPR period
 * may not end on a non-working day (Regulation 1182/71 art. 3(4)).
 */
export function isBusinessDay(date: string, holidays: readonly string[]): boolean {
  const weekday = (((dayNumber(date) + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday (4); 0 = Sunday
  return weekday !== 0 && weekday !== 6 && !holidays.includes(date);
}

/**
 * The `n`-th business day strictly after `date` (`date` itself when `n` is 0). Why: "within 10
 * business days" of receipt (CCPA Regs § 7021) and "15 business days" for an opt-out (§ 7026)
 * start counting the day after receipt, skipping weekends and holidays.
 */
export function addBusinessDays(date: string, n: number, holidays: readonly string[]): string {
  checkCount(n, "a number of business days");
  if (n < 0) throw new RangeError(`a number of business days must not be negative, got ${n}`);
  let day = dayNumber(date);
  for (let left = n; left > 0; ) {
    day += 1;
    if (isBusinessDay(fromDayNumber(day), holidays)) left -= 1;
  }
  return fromDayNumber(day);
}

/**
 * `date` when it is a business day, else the first business day after it. Why: a GDPR period
 * that would end on a Saturday, Sunday or public holiday ends at the end of the next working
 * day instead (Regulation 1182/71 art. 3(4)).
 */
export function nextBusinessDayOnOrAfter(date: string, holidays: readonly string[]): string {
  return isBusinessDay(date, holidays) ? format(parse(date)) : addBusinessDays(date, 1, holidays);
}

/**
 * Calendar days from `today` to `dueBy`: positive before the due day, 0 on it, negative when
 * overdue. Why: the owner's queue shows how long is left and flags what is late (R9.6).
 */
export function daysLeft(dueBy: string, today: string): number {
  return dayNumber(dueBy) - dayNumber(today);
}

/**
 * Whether the request can still be extended on `today`: it is extendable at all, and the notice
 * of extension can still be given in time. Why: both GDPR Art. 12(3) and CCPA Regs § 7021(b)
 * require telling the person of the extension, with the reasons, within the original period.
 * `receivedOn` is not read (store.ts passes "" for it).
 */
export function canExtend(d: Deadlines, today: string): boolean {
  return d.extendedDueBy !== null && d.extendNoticeBy !== null && dayNumber(today) <= dayNumber(d.extendNoticeBy);
}

/** One law's milestones for one request. */
interface LawDeadlines {
  acknowledgeBy: string | null;
  dueBy: string;
  /** Null: this law allows no extension for this request. */
  extendedDueBy: string | null;
}

/** What a law asks for a request of this type received on `receivedOn` (Shine the Light aside). */
function lawDeadlines(law: PrivacyLaw, type: RightsRequestType, receivedOn: string, holidays: readonly string[]): LawDeadlines {
  switch (law) {
    case "gdpr":
      // Art. 12(3): one month, plus two further months; both ends roll forward past non-working days.
      return {
        acknowledgeBy: null,
        dueBy: nextBusinessDayOnOrAfter(addMonths(receivedOn, 1), holidays),
        extendedDueBy: nextBusinessDayOnOrAfter(addMonths(receivedOn, 3), holidays),
      };
    case "ccpa":
      if (type === "opt_out")
        // Regs § 7026(f): as soon as feasibly possible, at most 15 business days; no extension.
        return { acknowledgeBy: null, dueBy: addBusinessDays(receivedOn, 15, holidays), extendedDueBy: null };
      // 1798.130(a)(2), Regs § 7021: confirm in 10 business days; 45 calendar days, once extendable to 90.
      return {
        acknowledgeBy: addBusinessDays(receivedOn, 10, holidays),
        dueBy: addCalendarDays(receivedOn, 45),
        extendedDueBy: addCalendarDays(receivedOn, 90),
      };
  }
}

/**
 * The deadlines of a request of `type` received at `receivedAt` under `rules`.
 *
 * - Day 0 is the day of receipt in `rules.timeZone` (default UTC).
 * - `shine_the_light` is a California-only right (Civ. Code 1798.83): 30 calendar days, no
 *   confirmation, no extension, whatever `rules.laws` says.
 * - `minor_content_removal` and `child_data_deletion` are deletions for deadline purposes.
 * - With several laws, each milestone takes the earliest date among them: `dueBy` the earliest,
 *   `acknowledgeBy` the earliest of those that ask for one, `extendedDueBy` the earliest of
 *   those that allow one — but null as soon as one applying law allows no extension for this
 *   type (a CCPA opt-out), since extending would breach it. `extendNoticeBy` is then the
 *   earliest original due date: notice must be given within the original period.
 * - An empty `rules.laws` counts as GDPR: the strictest general default (the shortest answer
 *   period for every type but a CCPA opt-out, and it never under-protects a person whose law
 *   the site did not name). The contract requires at least one law, so this is a safety net.
 */
export function computeDeadlines(type: RightsRequestType, receivedAt: Date, rules: DeadlineRules): Deadlines {
  const receivedOn = localDate(receivedAt, rules.timeZone ?? "UTC");
  if (type === "shine_the_light")
    return { receivedOn, acknowledgeBy: null, dueBy: addCalendarDays(receivedOn, 30), extendedDueBy: null, extendNoticeBy: null };

  const laws: readonly PrivacyLaw[] = rules.laws.length > 0 ? rules.laws : ["gdpr"];
  const each = laws.map((law) => lawDeadlines(law, type, receivedOn, rules.holidays));
  const first = each[0];
  if (!first) throw new Error("unreachable: at least one law applies");

  let { acknowledgeBy, dueBy, extendedDueBy } = first;
  let extendable = first.extendedDueBy !== null;
  for (const d of each.slice(1)) {
    dueBy = earlier(dueBy, d.dueBy);
    if (d.acknowledgeBy !== null) acknowledgeBy = acknowledgeBy === null ? d.acknowledgeBy : earlier(acknowledgeBy, d.acknowledgeBy);
    if (d.extendedDueBy === null) extendable = false;
    else if (extendedDueBy !== null) extendedDueBy = earlier(extendedDueBy, d.extendedDueBy);
  }
  return extendable
    ? { receivedOn, acknowledgeBy, dueBy, extendedDueBy, extendNoticeBy: dueBy }
    : { receivedOn, acknowledgeBy, dueBy, extendedDueBy: null, extendNoticeBy: null };
}
