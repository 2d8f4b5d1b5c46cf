/**
 * Headers an attacker controls, at sizes no browser sends: every header the Worker parses is
 * read in one linear pass over a capped prefix, so a 64 KB value costs no more than a short one
 * (the timings themselves are measured by `npm run bench`, never asserted here).
 *
 * What the caps mean, as the tests below pin it down:
 * - `Sec-GPC`: only parts that end within the first MAX_GPC_HEADER_CHARS (256) characters are
 *   read, at a comma or at the end of a value no longer than the cap. A "1" beyond the cap, or
 *   cut by it, is not read. A real value is "1", or a few "1, 1" repeats.
 * - `Accept-Language`: the same rule with MAX_ACCEPT_LANGUAGE_CHARS (1024), and at most
 *   MAX_ACCEPT_LANGUAGE_ENTRIES (20) entries.
 * - `User-Agent`: the first MAX_USER_AGENT_CHARS (512) characters.
 * - `CF-Connecting-IP`: over MAX_IP_CHARS (45) it is no address ("unknown").
 * - `Origin` on a write: over MAX_ORIGIN_CHARS (2048) → 403 origin_not_allowed, not echoed.
 *
 * Note that the runtime strips leading and trailing whitespace from header values (Fetch), so
 * through the Worker a header is padded inside, never at its ends.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { BootstrapResponse } from "../../worker/contract";
import {
  MAX_ACCEPT_LANGUAGE_CHARS,
  MAX_ACCEPT_LANGUAGE_ENTRIES,
  MAX_GPC_HEADER_CHARS,
  MAX_USER_AGENT_CHARS,
  gpcFromHeader,
  negotiateLocale,
  parseAcceptLanguage,
  uaFamily,
} from "../../worker/consent/policy";
import { MAX_IP_CHARS, ipPrefix } from "../../worker/middleware/rate-limit";
import { MAX_ORIGIN_CHARS, TOO_LONG, cappedHeader } from "../../worker/middleware/write-guard";
import { CHROME_UA, call, decisionBody, expectNothingWritten, expectProblem, freshSite, ledgerRows, postDecision } from "./helpers";

const KB64 = 64 * 1024;

/** `unit` repeated to exactly `length` characters. */
const fill = (unit: string, length: number) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length);

/** The documented rule, written the obvious (and on long input quadratic) way: a regex split. */
function referenceGpc(value: string | null | undefined): boolean {
  if (value == null) return false;
  let read = value;
  if (value.length > MAX_GPC_HEADER_CHARS) {
    // Only the parts ended by a comma within the cap; keeping that comma keeps the last read part
    // "followed by a comma", as it is in the whole value.
    const prefix = value.slice(0, MAX_GPC_HEADER_CHARS);
    read = prefix.slice(0, prefix.lastIndexOf(",") + 1);
  }
  return read.split(/[ \t]*,[ \t]*/).some((part) => part === "1");
}

describe("Sec-GPC at 64 KB (cap: MAX_GPC_HEADER_CHARS)", () => {
  it("the cap is 256 characters", () => {
    expect(MAX_GPC_HEADER_CHARS).toBe(256);
  });

  it.each<[string, boolean, string]>([
    ["spaces", false, fill(" ", KB64)],
    ["tabs and spaces", false, fill(" \t", KB64)],
    ['"0, " repeated', false, fill("0, ", KB64)],
    ['"1, " repeated', true, fill("1, ", KB64)],
    ['"1" after 60 KB of spaces (beyond the cap: not read)', false, `${fill(" ", 60 * 1024)}1`],
    ['", 1" after 60 KB of spaces (beyond the cap: not read)', false, `${fill(" ", 60 * 1024)}, 1`],
    ['"1" after 60 KB of "0, " (beyond the cap: not read)', false, `${fill("0, ", 60 * 1024)}1`],
    ['"1" first, then 64 KB of spaces and a comma', false, `1 ${fill(" ", KB64)},0`],
    ['"1," first, then 64 KB of spaces', true, `1,${fill(" ", KB64)}`],
    ['"0, 1, " first, then 64 KB of "0"', true, `0, 1, ${fill("0", KB64)}`],
    ['"1" then 64 KB of spaces (one part, cut by the cap)', false, `1${fill(" ", KB64)}`],
    ["commas only", false, fill(",", KB64)],
  ])("%s → %s", (_what, expected, value) => {
    expect(value.length).toBeGreaterThanOrEqual(60 * 1024);
    expect(gpcFromHeader(value)).toBe(expected);
    expect(referenceGpc(value)).toBe(expected);
  });

  it("a part that ends exactly at the cap is read; one cut by it is not", () => {
    const head = fill("0, ", MAX_GPC_HEADER_CHARS - 3);
    expect(gpcFromHeader(`${head}, 1`)).toBe(true); // exactly the cap, ends at the end of the value
    expect(gpcFromHeader(`${head}, 1,`)).toBe(false); // one over: the "1" is cut by the cap
    expect(gpcFromHeader(`${head},1,0`)).toBe(true); // one over, the "1" ended by a comma inside it
    expect(gpcFromHeader(`${head}, 11`)).toBe(false); // "11" cut to "1" by the cap is not read as "1"
  });

  it("property: equals the documented rule (a regex split) on the capped prefix", () => {
    const unit = fc.constantFrom("1", "0", " ", "\t", ",", "x");
    const value = fc.oneof(
      fc.string({ maxLength: 2000 }),
      fc.string({ unit, maxLength: 2000 }),
      fc.string({ unit, maxLength: 2000, size: "max" }),
      // Around the cap, where the last read part is decided.
      fc
        .tuple(fc.integer({ min: MAX_GPC_HEADER_CHARS - 12, max: MAX_GPC_HEADER_CHARS + 4 }), fc.constantFrom(" ", "0, ", "0,"), fc.string({ unit, maxLength: 12 }))
        .map(([n, pad, tail]) => fill(pad, n - tail.length) + tail),
    );
    fc.assert(
      fc.property(value, (v) => gpcFromHeader(v) === referenceGpc(v)),
      { numRuns: 1000 },
    );
  });
});

describe("Accept-Language at 64 KB (caps: MAX_ACCEPT_LANGUAGE_CHARS, MAX_ACCEPT_LANGUAGE_ENTRIES)", () => {
  const locales = ["en", "de", "fr", "es"];

  it("the caps are 1024 characters and 20 entries", () => {
    expect([MAX_ACCEPT_LANGUAGE_CHARS, MAX_ACCEPT_LANGUAGE_ENTRIES]).toEqual([1024, 20]);
  });

  it("the real preference first still negotiates it", () => {
    const header = `fr-CH, fr;q=0.9, ${fill("xx;q=0.1, ", KB64)}`;
    expect(parseAcceptLanguage(header).slice(0, 2)).toEqual(["fr-CH", "fr"]);
    expect(parseAcceptLanguage(header).length).toBeLessThanOrEqual(MAX_ACCEPT_LANGUAGE_ENTRIES);
    expect(negotiateLocale(locales, "en", undefined, header)).toBe("fr");
    expect(negotiateLocale(locales, "en", undefined, `de,${fill(" ", KB64)}`)).toBe("de");
    expect(negotiateLocale(locales, "en", undefined, `es;q=0.5${fill(" ", KB64)},fr`)).toBe("en"); // one entry, cut by the cap
  });

  it.each<[string, string]>([
    ["spaces", fill(" ", KB64)],
    ["commas", fill(",", KB64)],
    ["semicolons", fill(";", KB64)],
    ["one giant tag", fill("a", KB64)],
    ['"q=" padding', `de;${fill("q= ", KB64)}`],
    ["spaces in a q-value", `de;q=${fill(" ", KB64)}0.5`],
  ])("%s → nothing read, the default locale", (_what, header) => {
    expect(parseAcceptLanguage(header)).toEqual([]);
    expect(negotiateLocale(locales, "en", undefined, header)).toBe("en");
  });

  it("an entry after the cap is not read", () => {
    expect(parseAcceptLanguage(`${fill("xx, ", 2000)}de`)).not.toContain("de");
  });

  it("property: never throws, at most 20 tags, each a trimmed non-empty tag", () => {
    const unit = fc.constantFrom("d", "e", "-", "C", "H", ",", ";", "q", "=", "0", "1", ".", "5", " ", "\t", "*");
    const header = fc.oneof(fc.string({ maxLength: 2000 }), fc.string({ unit, maxLength: 2000 }), fc.string({ unit, maxLength: 2000, size: "max" }));
    fc.assert(
      fc.property(header, (h) => {
        const tags = parseAcceptLanguage(h);
        return tags.length <= MAX_ACCEPT_LANGUAGE_ENTRIES && tags.every((t) => t.length > 0 && t === t.trim() && t !== "*");
      }),
      { numRuns: 1000 },
    );
  });
});

describe("User-Agent at 64 KB (cap: MAX_USER_AGENT_CHARS)", () => {
  it("the cap is 512 characters", () => {
    expect(MAX_USER_AGENT_CHARS).toBe(512);
  });

  it.each<[string, string, string]>([
    ["a Chrome user agent padded to 64 KB", "Chrome", CHROME_UA + fill(" (x)", KB64)],
    ['"Edg" repeated', "other", fill("Edg", KB64)],
    ["a family token beyond the cap is not read", "other", `${fill("x", KB64)} Firefox/140.0`],
    ["bot", "bot", `${fill("a", 100)}bot${fill("a", KB64)}`],
  ])("%s → %s", (_what, family, ua) => {
    expect(uaFamily(ua)).toBe(family);
  });
});

describe("CF-Connecting-IP (cap: MAX_IP_CHARS)", () => {
  it("the longest address (45 characters) is read; anything longer is 'unknown'", () => {
    const longest = "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255";
    expect([MAX_IP_CHARS, longest.length]).toEqual([45, 45]);
    expect(ipPrefix(longest)).toBe("ffff:ffff:ffff:ffff::/64");
    expect(ipPrefix(`${longest}0`)).toBe("unknown");
    expect(ipPrefix(fill(":", KB64))).toBe("unknown");
    expect(ipPrefix(fill("0", KB64))).toBe("unknown");
    expect(ipPrefix(`203.0.113.7${fill(" ", KB64)}`)).toBe("unknown");
  });

  it("property: never throws on arbitrary input", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom("0", "1", "f", ":", ".", "x"), maxLength: 100 }), (ip) => typeof ipPrefix(ip) === "string"),
      { numRuns: 500 },
    );
  });
});

describe("cappedHeader", () => {
  it("is undefined for a missing header, TOO_LONG over the cap, else the value", () => {
    expect(cappedHeader(undefined, 10)).toBeUndefined();
    expect(cappedHeader(null, 10)).toBeUndefined();
    expect(cappedHeader("", 10)).toBe("");
    expect(cappedHeader("0123456789", 10)).toBe("0123456789");
    expect(cappedHeader("0123456789a", 10)).toBe(TOO_LONG);
    expect(cappedHeader(fill("a", KB64), MAX_ORIGIN_CHARS)).toBe(TOO_LONG);
  });
});

describe("through the Worker", () => {
  const bootstrap = async (siteId: string, headers: Record<string, string>) => {
    const res = await call(`/v1/sites/${siteId}/bootstrap`, { headers });
    expect(res.status).toBe(200);
    return (await res.json()) as BootstrapResponse;
  };

  it("bootstrap with 64 KB Sec-GPC, Accept-Language and User-Agent answers 200 with the right decision and locale", async () => {
    const site = await freshSite();
    const body = await bootstrap(site.id, {
      "Sec-GPC": `1, 0${fill(" ", KB64)}0`,
      "Accept-Language": `de-CH, de;q=0.9, ${fill("xx;q=0.1, ", KB64)}fr`,
      "User-Agent": CHROME_UA + fill(" (x)", KB64),
    });
    expect(body.locale).toBe("de");
    expect(body.edge).toEqual({ regime: "opt-in", jurisdiction: null, country: null, gpc: true });

    const quadratic = await bootstrap(site.id, {
      "Sec-GPC": `0${fill(" ", KB64)}0`,
      "Accept-Language": `es${fill(" ", KB64)}es`,
      "User-Agent": fill("Edg", KB64),
    });
    expect(quadratic.locale).toBe("en");
    expect(quadratic.edge.gpc).toBe(false);
  });

  it('bootstrap: a "1" beyond the Sec-GPC cap is not read', async () => {
    const site = await freshSite();
    expect((await bootstrap(site.id, { "Sec-GPC": `${fill("0, ", KB64)}1` })).edge.gpc).toBe(false);
    expect((await bootstrap(site.id, { "Sec-GPC": `0, 1, ${fill("0, ", KB64)}0` })).edge.gpc).toBe(true);
  });

  it("a decision with 64 KB Sec-GPC and User-Agent is recorded with the right GPC and browser family", async () => {
    const site = await freshSite();
    const res = await postDecision(site.id, decisionBody(site, { action: "reject_all", gpc: true }), {
      headers: { "Sec-GPC": `1, 0${fill(" ", KB64)}0`, "User-Agent": CHROME_UA + fill(" (x)", KB64) },
    });
    expect(res.status, await res.clone().text()).toBe(201);
    const [row] = await ledgerRows(site.id);
    expect(row).toMatchObject({ gpc: 1, ua_family: "Chrome" });
  });

  it("a decision with a 64 KB Origin → 403 origin_not_allowed, not echoed, nothing written", async () => {
    const site = await freshSite();
    const origin = `https://${fill("a", KB64)}.example`;
    const res = await postDecision(site.id, decisionBody(site), { origin });
    expect(res.headers.get("Access-Control-Allow-Origin")).toBeNull();
    const problem = await expectProblem(res, 403, "origin_not_allowed");
    expect(JSON.stringify(problem)).not.toContain("aaaa");
    await expectNothingWritten(site.id);
  });

  it("an Origin just over the cap is refused the same way; a foreign one at the cap is refused as before", async () => {
    const site = await freshSite();
    const over = `https://${fill("a", MAX_ORIGIN_CHARS - 8 + 1)}`;
    expect(over.length).toBe(MAX_ORIGIN_CHARS + 1);
    const tooLong = await expectProblem(await postDecision(site.id, decisionBody(site), { origin: over }), 403, "origin_not_allowed");
    expect(tooLong.detail).not.toContain("aaaa");
    const atCap = await expectProblem(await postDecision(site.id, decisionBody(site), { origin: over.slice(0, -1) }), 403, "origin_not_allowed");
    expect(atCap.detail.length).toBeLessThan(300);
    await expectNothingWritten(site.id);
  });
});
