/**
 * The scanner's vendor table (scanner/vendors.ts): that the data is well formed (unique slugs,
 * https sources and policies, one owner per host) and that the lookups match names and hosts the
 * way the table's comments promise.
 */
import { describe, expect, it } from "vitest";
import {
  type VendorEntry,
  VENDORS,
  matchesPattern,
  vendorForHost,
  vendorForStorage,
} from "../../scanner/vendors";

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

function isHttps(url: string): boolean {
  try {
    return new URL(url).protocol === "https:";
  } catch {
    return false;
  }
}

describe("VENDORS", () => {
  it("has unique slug ids", () => {
    const ids = VENDORS.map((v) => v.id);
    for (const id of ids) expect(id).toMatch(SLUG);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("gives every vendor an https policy and at least one https source", () => {
    for (const v of VENDORS) {
      expect(isHttps(v.policyUrl), `${v.id} policyUrl`).toBe(true);
      expect(v.sources.length, `${v.id} sources`).toBeGreaterThan(0);
      for (const s of v.sources) expect(isHttps(s), `${v.id} source ${s}`).toBe(true);
    }
  });

  it("gives no host suffix to two vendors, not even as a subdomain of another's", () => {
    const owners = new Map<string, string>();
    for (const v of VENDORS) {
      for (const h of v.hosts) {
        expect(h, `${v.id} host`).toMatch(/^[a-z0-9-]+(?:\.[a-z0-9-]+)+$/);
        expect(owners.get(h), `${h} listed by ${owners.get(h)} and ${v.id}`).toBeUndefined();
        owners.set(h, v.id);
      }
    }
    for (const [a, ownerA] of owners) {
      for (const [b, ownerB] of owners) {
        if (ownerA !== ownerB) expect(a.endsWith(`.${b}`), `${a} (${ownerA}) under ${b} (${ownerB})`).toBe(false);
      }
    }
  });

  it("has well-formed items: whole-day or session durations, no pattern listed twice per type", () => {
    for (const v of VENDORS) {
      const seen = new Set<string>();
      for (const item of v.items) {
        expect(item.pattern, v.id).toMatch(/^\S+$/);
        expect(item.purpose.trim(), `${v.id} ${item.pattern}`).not.toBe("");
        if (item.durationDays !== null) {
          expect(Number.isInteger(item.durationDays) && item.durationDays >= 0, `${v.id} ${item.pattern}`).toBe(true);
        }
        const key = `${item.type}:${item.pattern}`;
        expect(seen.has(key), `${v.id} ${key}`).toBe(false);
        seen.add(key);
      }
    }
  });
});

describe("matchesPattern", () => {
  it.each<[string, string, boolean]>([
    ["_ga", "_ga", true],
    ["_ga", "_gax", false],
    ["_ga", "x_ga", false],
    ["_ga", "_GA", false],
    ["_ga_*", "_ga_ABC123", true],
    ["_ga_*", "_ga", false],
    ["_ga_*", "x_ga_ABC", false],
    ["*_key", "123_key", true],
    ["*_key", "123_key2", false],
    ["intercom-*-id", "intercom-device-id", true],
    ["intercom-*-id", "intercom-device-idx", false],
    ["a*b*c", "aXbYc", true],
    ["a*b*c", "abc", true],
    ["a*b*c", "acb", false],
    ["_pk_id.*", "_pk_id.1.abcd", true],
    ["_pk_id.*", "_pk_idX1.abcd", false],
    ["_hjIncludedInSessionSample*", "_hjIncludedInSessionSample", true],
    ["_hjIncludedInSessionSample*", "_hjIncludedInSessionSample_123", true],
    ["(a)+", "(a)+", true],
    ["(a)+", "aa", false],
  ])("%s against %s is %s", (pattern, name, expected) => {
    expect(matchesPattern(pattern, name)).toBe(expected);
  });
});

describe("vendorForStorage", () => {
  it("finds GA for _ga and _ga_<container-id>", () => {
    expect(vendorForStorage("_ga", "cookie")?.vendor.id).toBe("google-analytics");
    expect(vendorForStorage("_ga", "cookie")?.item.pattern).toBe("_ga");
    expect(vendorForStorage("_ga_ABC123", "cookie")?.vendor.id).toBe("google-analytics");
    expect(vendorForStorage("_ga_ABC123", "cookie")?.item.pattern).toBe("_ga_*");
  });

  it("finds Hotjar, Clarity, Matomo and UET names", () => {
    const hotjar = vendorForStorage("_hjSessionUser_123", "cookie");
    expect(hotjar?.vendor.id).toBe("hotjar");
    expect(hotjar?.item.pattern).toBe("_hjSessionUser_*");
    expect(hotjar?.item.durationDays).toBe(365);
    expect(vendorForStorage("_hjSession_123", "cookie")?.item.pattern).toBe("_hjSession_*");
    expect(vendorForStorage("_clck", "cookie")?.vendor.id).toBe("microsoft-clarity");
    expect(vendorForStorage("_pk_id.1.a1b2", "cookie")?.vendor.id).toBe("matomo");
    expect(vendorForStorage("_uetvid", "localStorage")?.vendor.id).toBe("microsoft-uet");
  });

  it("returns undefined for unknown names and for a known name in the wrong store", () => {
    expect(vendorForStorage("pg_usage", "cookie")).toBeUndefined();
    expect(vendorForStorage("_ga", "localStorage")).toBeUndefined();
    expect(vendorForStorage("_gax", "cookie")).toBeUndefined();
  });

  it("prefers the most specific pattern when two match", () => {
    const vendor = (id: string, pattern: string): VendorEntry => ({
      id,
      name: id,
      purpose: "analytics",
      saleOrSharing: false,
      policyUrl: "https://example.com/privacy",
      hosts: [],
      items: [{ pattern, type: "cookie", durationDays: null, purpose: id }],
      sources: ["https://example.com/cookies"],
    });
    // The broad pattern first, so table order alone would pick it.
    const table = [vendor("broad", "_x_*"), vendor("narrow", "_x_session_*"), vendor("exact", "_x_session_1")];
    expect(vendorForStorage("_x_session_9", "cookie", table)?.vendor.id).toBe("narrow");
    expect(vendorForStorage("_x_other", "cookie", table)?.vendor.id).toBe("broad");
    expect(vendorForStorage("_x_session_1", "cookie", table)?.vendor.id).toBe("exact");
    // Same literal length: the exact name beats the pattern.
    const tie = [vendor("wild", "_y*"), vendor("exact", "_y")];
    expect(vendorForStorage("_y", "cookie", tie)?.vendor.id).toBe("exact");
  });
});

describe("vendorForHost", () => {
  it("finds the vendor for a listed suffix and its subdomains", () => {
    expect(vendorForHost("google-analytics.com")?.id).toBe("google-analytics");
    expect(vendorForHost("region1.google-analytics.com")?.id).toBe("google-analytics");
    expect(vendorForHost("www.googletagmanager.com")?.id).toBe("google-tag-manager");
    expect(vendorForHost("static.hotjar.com")?.id).toBe("hotjar");
    expect(vendorForHost("bat.bing.com")?.id).toBe("microsoft-uet");
  });

  it("ignores case and a trailing dot", () => {
    expect(vendorForHost("Region1.Google-Analytics.COM.")?.id).toBe("google-analytics");
  });

  it("does not match a host that merely ends with the same letters", () => {
    expect(vendorForHost("notgoogle-analytics.com")).toBeUndefined();
    expect(vendorForHost("google-analytics.com.evil.example")).toBeUndefined();
    expect(vendorForHost("www.bing.com")).toBeUndefined();
    expect(vendorForHost("example.com")).toBeUndefined();
  });
});
