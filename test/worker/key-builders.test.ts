/**
 * Every key Assent builds names its site first (R7.2): the KV key builders (`prefKey` for PREFS,
 * `siteKey` for SITES) and the rate-limit key builder put the site id right after the key's kind
 * and version, and a site id cannot contain the `:` that ends its segment. So no key, and no
 * prefix a site-wide job walks (the bulk erasure lists `prefKey(siteId, "")`), can reach another
 * site's data, not even that of a site whose id starts with the same letters. The Worker reads
 * and writes KV only through these builders, and the longest key they can build stays within
 * KV's 512-byte key limit (R6.3). Every KV write of a visitor's data carries an expiration
 * (R6.4); the one write without, a site's configuration, is the documented exception.
 */
/// <reference types="vite/client" />
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { SiteId } from "../../worker/contract";
import { prefKey } from "../../worker/consent/store/keys";
import { rateLimitKey, type RateLimitSubject } from "../../worker/middleware/rate-limit";
import { siteKey } from "../../worker/sites/keys";
import { freshSite, getMe, newVisitor } from "./helpers";

/** Site ids as owners pick them, including ids that begin with another site's id. */
const SITE_IDS = ["a", "shop", "shop-eu", "shop-eu-2", "0", "x".repeat(48)];

/**
 * The Worker's own source, to check how it names KV keys (the requirement's "grep"). Vite reads
 * the files when it bundles this test (`import.meta.glob`, typed by vite/client): workerd has no
 * file system to read them at run time.
 */
const SOURCES: Record<string, string> = import.meta.glob<string>("../../worker/**/*.ts", { query: "?raw", import: "default", eager: true });

describe("storage keys name their site first (R7.2)", () => {
  it("prefKey, siteKey and rateLimitKey put the site id in the segment after the key's kind", () => {
    const visitor = crypto.randomUUID();
    const subjects: RateLimitSubject[] = [{ visitor }, { network: "2001:db8:0:5::/64" }, { address: "hash" }, { apiKey: "key_1" }];
    for (const siteId of SITE_IDS) {
      expect(prefKey(siteId, visitor).split(":")).toEqual(["pref", "v1", siteId, visitor]);
      expect(siteKey(siteId).split(":")).toEqual(["site", "v1", siteId]);
      for (const subject of subjects) {
        const key = rateLimitKey(siteId, "decision", subject);
        expect(key.startsWith(`site:${siteId}:`), key).toBe(true);
        expect(key.split(":")[1]).toBe(siteId);
      }
    }
  });

  it("a site id cannot hold the ':' that ends its segment, so the segment is always the whole id", () => {
    for (const siteId of SITE_IDS) expect(SiteId.safeParse(siteId).success, siteId).toBe(true);
    for (const bad of ["shop:eu", "shop:", ":shop", "pref:v1:shop"]) expect(SiteId.safeParse(bad).success, bad).toBe(false);
  });

  it("a site's key prefix never matches a key of a site whose id starts with the same letters", () => {
    const visitor = crypto.randomUUID();
    for (const a of SITE_IDS)
      for (const b of SITE_IDS) {
        if (a === b) continue;
        expect(prefKey(b, visitor).startsWith(prefKey(a, "")), `${a} / ${b}`).toBe(false);
      }
  });

  it("in KV, listing one site's prefix finds its visitors and none of a site whose id extends it", async () => {
    const short = await freshSite();
    const long = await freshSite((c) => (c.id = `${short.id}-eu`));
    const mine = await newVisitor(short);
    const theirs = await newVisitor(long);
    // A read puts each record in KV (worker/consent/visitor-record.ts).
    for (const [site, v] of [[short, mine], [long, theirs]] as const) expect((await getMe(site.id, v.token!)).status).toBe(200);

    const listed = (await env.PREFS.list({ prefix: prefKey(short.id, "") })).keys.map((k) => k.name);
    expect(listed).toEqual([prefKey(short.id, mine.visitorId)]);
    const other = (await env.PREFS.list({ prefix: prefKey(long.id, "") })).keys.map((k) => k.name);
    expect(other).toEqual([prefKey(long.id, theirs.visitorId)]);
  });

  it("the Worker reads, writes and deletes KV keys only through prefKey and siteKey", () => {
    // Every direct call on a KV binding, e.g. `env.PREFS.put(prefKey(…), …)`: its first argument.
    const call = /\.(PREFS|SITES)\.(get|getWithMetadata|put|delete)(?:<[^>]*>)?\(\s*([^,)]*)/g;
    const found: string[] = [];
    for (const [path, source] of Object.entries(SOURCES))
      for (const [, binding, method, key] of source.matchAll(call)) {
        found.push(`${path}: ${binding}.${method}`);
        expect(key, `${path}: ${binding}.${method}(${key}…)`).toMatch(binding === "PREFS" ? /^prefKey\(/ : /^siteKey\(/);
      }
    // The scan sees the real call sites (state and config reads and writes); it is not vacuous.
    expect(found.length).toBeGreaterThanOrEqual(4);
  });
});

describe("the longest key fits KV's limit (R6.3)", () => {
  it("a visitor record of a site with the longest id a site may have is at most 512 bytes", () => {
    const longest = "a".repeat(48);
    expect(SiteId.safeParse(longest).success).toBe(true);
    expect(SiteId.safeParse(`${longest}a`).success).toBe(false);
    // Visitor ids are UUIDs (worker/contract/ids.ts), 36 characters whatever their value.
    const key = prefKey(longest, crypto.randomUUID());
    expect(new TextEncoder().encode(key).length).toBeLessThanOrEqual(512);
    expect(new TextEncoder().encode(siteKey(longest)).length).toBeLessThanOrEqual(512);
  });
});

describe("KV writes expire (R6.4)", () => {
  it("every put on PREFS (visitors' data) passes an expiration; SITES holds only site configurations, kept until their owner changes them", () => {
    // The call up to the end of its statement, so options on the next line are seen too.
    const put = /\.(PREFS|SITES)\.put\(([^;]*)/g;
    const puts: string[] = [];
    for (const [path, source] of Object.entries(SOURCES))
      for (const [, binding, args] of source.matchAll(put)) {
        puts.push(`${path}: ${binding}`);
        if (binding === "PREFS") expect(args, `${path}: PREFS.put(${args}`).toMatch(/\bexpiration(Ttl)?\b/);
      }
    expect(puts.some((p) => p.endsWith(": PREFS"))).toBe(true);
  });
});
