/**
 * Rights request deadlines (R9.6, worker/rights/deadlines.ts): GDPR Art. 12(3) one month plus
 * two, rolled past weekends and holidays (Regulation 1182/71 art. 3(4)); CCPA 10 business days
 * to confirm, 45 days to answer, 90 with an extension; a CCPA opt-out in 15 business days with no
 * extension; Shine the Light in 30 days; with several laws the earliest date of each milestone.
 *
 * Every expected date is a literal worked out on a calendar, not by the module under test.
 */
import { describe, expect, it } from "vitest";
import {
  addBusinessDays,
  addCalendarDays,
  addMonths,
  canExtend,
  computeDeadlines,
  type DeadlineRules,
  type Deadlines,
  daysLeft,
  isBusinessDay,
  localDate,
  nextBusinessDayOnOrAfter,
  type PrivacyLaw,
  type RightsRequestType,
} from "../../worker/rights/deadlines";

/** Noon UTC on a day: the same calendar day in UTC whatever the hour arithmetic. */
const noon = (date: string) => new Date(`${date}T12:00:00Z`);
/** US Thanksgiving 2026 and the day after (Thursday 26, Friday 27 November). */
const THANKSGIVING = ["2026-11-26", "2026-11-27"];
const rules = (laws: readonly PrivacyLaw[], holidays: readonly string[] = [], timeZone?: string): DeadlineRules => ({ laws, holidays, timeZone });

describe("calendar helpers (R9.6)", () => {
  it.each([
    ["2026-01-31", 1, "2026-02-28"], // clamped to the end of February
    ["2028-01-31", 1, "2028-02-29"], // leap year
    ["2026-03-31", 1, "2026-04-30"],
    ["2026-11-15", 3, "2027-02-15"], // across a year
    ["2026-03-31", -1, "2026-02-28"],
    ["2026-08-31", 6, "2027-02-28"],
  ])("addMonths(%s, %i) = %s", (date, n, expected) => {
    expect(addMonths(date, n)).toBe(expected);
  });

  it.each([
    ["2026-12-20", 45, "2027-02-03"],
    ["2028-02-28", 1, "2028-02-29"],
    ["2026-03-01", -1, "2026-02-28"],
    ["2026-11-20", 0, "2026-11-20"],
  ])("addCalendarDays(%s, %i) = %s", (date, n, expected) => {
    expect(addCalendarDays(date, n)).toBe(expected);
  });

  it.each([
    ["2026-03-14", [], false], // Saturday
    ["2026-06-14", [], false], // Sunday
    ["2026-06-15", [], true], // Monday
    ["2026-12-25", [], true], // Friday, no holidays named
    ["2026-12-25", ["2026-12-25"], false], // Friday, a holiday
  ] as const)("isBusinessDay(%s, %j) = %s", (date, holidays, expected) => {
    expect(isBusinessDay(date, holidays)).toBe(expected);
  });

  it.each([
    ["2026-03-13", 0, [], "2026-03-13"], // Friday itself
    ["2026-03-13", 1, [], "2026-03-16"], // Friday → Monday
    ["2026-03-14", 1, [], "2026-03-16"], // Saturday → Monday
    ["2026-11-20", 10, [], "2026-12-04"],
    ["2026-11-20", 10, THANKSGIVING, "2026-12-08"], // two holidays push it two business days on
    ["2026-11-20", 15, THANKSGIVING, "2026-12-15"],
  ] as const)("addBusinessDays(%s, %i, %j) = %s", (date, n, holidays, expected) => {
    expect(addBusinessDays(date, n, holidays)).toBe(expected);
  });

  it.each([
    ["2026-02-28", [], "2026-03-02"], // Saturday → Monday
    ["2026-03-01", [], "2026-03-02"], // Sunday → Monday
    ["2026-03-02", [], "2026-03-02"], // Monday stays
    ["2026-12-25", ["2026-12-25"], "2026-12-28"], // holiday Friday → Monday
    ["2026-12-25", ["2026-12-25", "2026-12-28"], "2026-12-29"], // … and a holiday Monday → Tuesday
  ] as const)("nextBusinessDayOnOrAfter(%s, %j) = %s", (date, holidays, expected) => {
    expect(nextBusinessDayOnOrAfter(date, holidays)).toBe(expected);
  });

  it.each([
    ["2026-03-02", "2026-02-27", 3],
    ["2026-03-02", "2026-03-02", 0], // due today
    ["2026-03-02", "2026-03-05", -3], // overdue
    ["2027-01-04", "2026-12-31", 4], // across a year
    ["2028-03-01", "2028-02-28", 2], // across a leap day
  ])("daysLeft(%s, %s) = %i", (dueBy, today, expected) => {
    expect(daysLeft(dueBy, today)).toBe(expected);
  });

  it("rejects what is not an ISO calendar date", () => {
    expect(() => addCalendarDays("2026-02-30", 1)).toThrow(RangeError);
    expect(() => addMonths("2026-2-3", 1)).toThrow(RangeError);
    expect(() => isBusinessDay("2026-13-01", [])).toThrow(RangeError);
    expect(() => daysLeft("2026-03-02", "")).toThrow(RangeError);
    expect(() => addBusinessDays("2026-03-02", -1, [])).toThrow(RangeError);
    expect(() => addCalendarDays("2026-03-02", 1.5)).toThrow(RangeError);
  });
});

describe("localDate (R9.6)", () => {
  const lateOnNewYearsEve = new Date("2026-12-31T23:30:00Z");

  it.each([
    ["UTC", "2026-12-31"],
    ["America/Los_Angeles", "2026-12-31"], // 15:30 on 31 December
    ["Europe/Berlin", "2027-01-01"], // 00:30 on 1 January
    ["Asia/Tokyo", "2027-01-01"],
  ])("in %s the instant falls on %s", (timeZone, expected) => {
    expect(localDate(lateOnNewYearsEve, timeZone)).toBe(expected);
  });

  it("throws for an unknown time zone", () => {
    expect(() => localDate(lateOnNewYearsEve, "Mars/Olympus_Mons")).toThrow(RangeError);
    expect(() => computeDeadlines("access", lateOnNewYearsEve, rules(["gdpr"], [], "Mars/Olympus_Mons"))).toThrow(RangeError);
  });
});

describe("computeDeadlines", () => {
  type Case = [name: string, type: RightsRequestType, receivedOn: string, rules: DeadlineRules, expected: Omit<Deadlines, "receivedOn">];
  const cases: Case[] = [
    // GDPR Art. 12(3): one month, extendable to three; ends rolled past non-working days.
    ["GDPR, Jan 31 → Feb 28 (a Friday)", "access", "2025-01-31", rules(["gdpr"]),
      { acknowledgeBy: null, dueBy: "2025-02-28", extendedDueBy: "2025-04-30", extendNoticeBy: "2025-02-28" }],
    ["GDPR, leap year: Jan 31 → Feb 29; Apr 30 (Sunday) → May 1", "deletion", "2028-01-31", rules(["gdpr"]),
      { acknowledgeBy: null, dueBy: "2028-02-29", extendedDueBy: "2028-05-01", extendNoticeBy: "2028-02-29" }],
    ["GDPR, Jan 31 → Feb 28, a Saturday → Monday Mar 2", "correction", "2026-01-31", rules(["gdpr"]),
      { acknowledgeBy: null, dueBy: "2026-03-02", extendedDueBy: "2026-04-30", extendNoticeBy: "2026-03-02" }],
    ["GDPR, due Saturday Mar 14 → Monday Mar 16", "access", "2026-02-14", rules(["gdpr"]),
      { acknowledgeBy: null, dueBy: "2026-03-16", extendedDueBy: "2026-05-14", extendNoticeBy: "2026-03-16" }],
    ["GDPR, due on a holiday Friday → Monday", "access", "2026-11-25", rules(["gdpr"], ["2026-12-25"]),
      { acknowledgeBy: null, dueBy: "2026-12-28", extendedDueBy: "2027-02-25", extendNoticeBy: "2026-12-28" }],
    ["GDPR, holiday Friday and holiday Monday → Tuesday", "access", "2026-11-25", rules(["gdpr"], ["2026-12-25", "2026-12-28"]),
      { acknowledgeBy: null, dueBy: "2026-12-29", extendedDueBy: "2027-02-25", extendNoticeBy: "2026-12-29" }],
    ["GDPR, extended end on Saturday Feb 20 → Monday Feb 22", "access", "2026-11-20", rules(["gdpr"]),
      { acknowledgeBy: null, dueBy: "2026-12-21", extendedDueBy: "2027-02-22", extendNoticeBy: "2026-12-21" }],
    ["GDPR opt-out: one month like the rest, extendable", "opt_out", "2025-01-31", rules(["gdpr"]),
      { acknowledgeBy: null, dueBy: "2025-02-28", extendedDueBy: "2025-04-30", extendNoticeBy: "2025-02-28" }],
    ["no law named: GDPR's deadlines", "access", "2026-01-31", rules([]),
      { acknowledgeBy: null, dueBy: "2026-03-02", extendedDueBy: "2026-04-30", extendNoticeBy: "2026-03-02" }],

    // CCPA 1798.130 / Regs § 7021: 10 business days to confirm, 45 days, once extendable to 90.
    ["CCPA, confirmation across two weekends", "access", "2026-11-20", rules(["ccpa"]),
      { acknowledgeBy: "2026-12-04", dueBy: "2027-01-04", extendedDueBy: "2027-02-18", extendNoticeBy: "2027-01-04" }],
    ["CCPA, confirmation across Thanksgiving", "deletion", "2026-11-20", rules(["ccpa"], THANKSGIVING),
      { acknowledgeBy: "2026-12-08", dueBy: "2027-01-04", extendedDueBy: "2027-02-18", extendNoticeBy: "2027-01-04" }],
    ["CCPA, 45 days ending on a Saturday: no roll-forward", "correction", "2026-11-25", rules(["ccpa"]),
      { acknowledgeBy: "2026-12-09", dueBy: "2027-01-09", extendedDueBy: "2027-02-23", extendNoticeBy: "2027-01-09" }],
    ["CCPA, a minor's removal is a deletion", "minor_content_removal", "2026-11-20", rules(["ccpa"], THANKSGIVING),
      { acknowledgeBy: "2026-12-08", dueBy: "2027-01-04", extendedDueBy: "2027-02-18", extendNoticeBy: "2027-01-04" }],
    ["CCPA, a parent's deletion is a deletion", "child_data_deletion", "2026-11-20", rules(["ccpa"], THANKSGIVING),
      { acknowledgeBy: "2026-12-08", dueBy: "2027-01-04", extendedDueBy: "2027-02-18", extendNoticeBy: "2027-01-04" }],
    // Regs § 7026(f): opt-out in 15 business days, no confirmation, no extension.
    ["CCPA opt-out: 15 business days across Thanksgiving, no extension", "opt_out", "2026-11-20", rules(["ccpa"], THANKSGIVING),
      { acknowledgeBy: null, dueBy: "2026-12-15", extendedDueBy: null, extendNoticeBy: null }],
    ["CCPA opt-out: 15 business days, no holidays", "opt_out", "2026-11-20", rules(["ccpa"]),
      { acknowledgeBy: null, dueBy: "2026-12-11", extendedDueBy: null, extendNoticeBy: null }],

    // Shine the Light, Civ. Code 1798.83: 30 days whatever the laws, ending on a Sunday as it may.
    ...(
      [[["ccpa"]], [["gdpr"]], [["gdpr", "ccpa"]], [[]]] as [PrivacyLaw[]][]
    ).map(([laws]): Case => [`Shine the Light under ${JSON.stringify(laws)}`, "shine_the_light", "2026-11-20", rules(laws, THANKSGIVING),
      { acknowledgeBy: null, dueBy: "2026-12-20", extendedDueBy: null, extendNoticeBy: null }]),

    // Both laws: the earliest date of each milestone.
    ["both: GDPR's due and extension, CCPA's confirmation", "access", "2026-01-31", rules(["gdpr", "ccpa"]),
      { acknowledgeBy: "2026-02-13", dueBy: "2026-03-02", extendedDueBy: "2026-04-30", extendNoticeBy: "2026-03-02" }],
    ["both: GDPR's due (Jun 30), CCPA's 90 days (Aug 29) before GDPR's three months (Aug 31)", "deletion", "2026-05-31", rules(["ccpa", "gdpr"]),
      { acknowledgeBy: "2026-06-12", dueBy: "2026-06-30", extendedDueBy: "2026-08-29", extendNoticeBy: "2026-06-30" }],
    ["both, opt-out: CCPA's 15 business days, and CCPA forbids any extension", "opt_out", "2026-11-20", rules(["gdpr", "ccpa"], THANKSGIVING),
      { acknowledgeBy: null, dueBy: "2026-12-15", extendedDueBy: null, extendNoticeBy: null }],
  ];

  it.each(cases)("%s (R2.6, R9.6)", (_name, type, receivedOn, r, expected) => {
    expect(computeDeadlines(type, noon(receivedOn), r)).toEqual({ receivedOn, ...expected });
  });

  it("counts from the day of receipt in the site's time zone (R9.6)", () => {
    const at = new Date("2026-12-31T23:30:00Z");
    expect(computeDeadlines("access", at, rules(["ccpa"], [], "America/Los_Angeles"))).toEqual({
      receivedOn: "2026-12-31",
      acknowledgeBy: "2027-01-14",
      dueBy: "2027-02-14",
      extendedDueBy: "2027-03-31",
      extendNoticeBy: "2027-02-14",
    });
    expect(computeDeadlines("access", at, rules(["ccpa"], [], "Europe/Berlin"))).toEqual({
      receivedOn: "2027-01-01",
      acknowledgeBy: "2027-01-15",
      dueBy: "2027-02-15",
      extendedDueBy: "2027-04-01",
      extendNoticeBy: "2027-02-15",
    });
    expect(computeDeadlines("access", at, rules(["ccpa"])).receivedOn).toBe("2026-12-31"); // default UTC
  });

  it("does not touch its arguments", () => {
    const at = noon("2026-01-31");
    const r = rules(["gdpr", "ccpa"], ["2026-03-02"], "UTC");
    const before = JSON.stringify(r);
    computeDeadlines("access", at, r);
    expect(at.toISOString()).toBe("2026-01-31T12:00:00.000Z");
    expect(JSON.stringify(r)).toBe(before);
  });
});

describe("canExtend (R9.6)", () => {
  const gdpr = computeDeadlines("access", noon("2025-01-31"), rules(["gdpr"])); // notice by 2025-02-28

  it.each([
    ["2025-01-31", true], // day of receipt
    ["2025-02-27", true],
    ["2025-02-28", true], // the last day of the original period
    ["2025-03-01", false], // too late to give notice
  ])("GDPR request received 2025-01-31, on %s: %s", (today, expected) => {
    expect(canExtend(gdpr, today)).toBe(expected);
  });

  it("never for a CCPA opt-out", () => {
    const optOut = computeDeadlines("opt_out", noon("2026-11-20"), rules(["ccpa"]));
    expect(canExtend(optOut, "2026-11-20")).toBe(false);
    expect(canExtend(computeDeadlines("opt_out", noon("2026-11-20"), rules(["gdpr", "ccpa"])), "2026-11-20")).toBe(false);
  });

  it("never for Shine the Light", () => {
    expect(canExtend(computeDeadlines("shine_the_light", noon("2026-11-20"), rules(["ccpa"])), "2026-11-20")).toBe(false);
  });

  it("reads a stored row as store.ts passes it (no receivedOn)", () => {
    const row: Deadlines = { receivedOn: "", acknowledgeBy: "2026-12-04", dueBy: "2027-01-04", extendedDueBy: "2027-02-18", extendNoticeBy: "2027-01-04" };
    expect(canExtend(row, "2027-01-04")).toBe(true);
    expect(canExtend(row, "2027-01-05")).toBe(false);
    expect(canExtend({ ...row, extendedDueBy: null, extendNoticeBy: null }, "2026-12-01")).toBe(false);
  });
});
