/**
 * Webhook URL policy (server-side request forgery): which URLs an endpoint may have, checked when
 * the endpoint is added and again before every delivery attempt, and delivery errors reported in
 * fixed words only, so the deliveries API cannot be used to probe networks the Worker can reach.
 *
 * The policy is a pure function, tested with tables and with generated addresses (fast-check):
 * every address of each refused IPv4 range, in dotted, integer and IPv4-mapped IPv6 spellings, is
 * refused; public unicast addresses are allowed. The Worker tests run with DEV_MODE "true".
 */
import { env } from "cloudflare:workers";
import * as fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from "vitest";
import type { WebhookDeliveriesResponse, WebhookEndpoint } from "../../worker/contract";
import { deliverDue } from "../../worker/webhooks/deliver";
import { hostnameProblem, ipv4Problem, judgeWebhookUrl, parseIPv4, parseIPv6, webhookUrlProblem } from "../../worker/webhooks/url-policy";
import { workerEnv } from "./email-helpers";
import { auth, call, expectProblem, freshSite, insertApiKey } from "./helpers";
import { settled, webhookAdmin } from "./webhook-helpers";

/** Refused, with the reason the policy gives, whatever the mode. */
const REFUSED: readonly (readonly [url: string, problem: string])[] = [
  // The examples of the issue.
  ["https://169.254.169.254/", "link-local address"],
  ["https://10.0.0.1/", "private address"],
  ["https://192.168.1.1/", "private address"],
  ["https://127.0.0.2/", "loopback address"],
  ["https://[::ffff:127.0.0.1]/", "loopback address"],
  ["https://0.0.0.0/", "unspecified address"],
  ["https://localhost./", "localhost name"],
  ["https://foo.localhost/", "localhost name"],
  ["https://metadata.google.internal/", "internal name"],
  ["https://100.64.0.1/", "shared (CGNAT) address"],
  ["https://[fd00::1]/", "unique local address"],
  ["https://[fe80::1]/", "link-local address"],
  ["https://[ff02::1]/", "multicast address"],
  ["https://[::]/", "unspecified address"],
  ["https://2130706433/", "loopback address"],
  ["https://0x7f.0.0.1/", "loopback address"],
  ["https://printer.local/", "internal name"],
  ["https://intranet/", "single-label name"],
  ["https://[64:ff9b::a00:1]/", "private address"],
  ["https://user:pw@example.com/", "credentials in URL"],
  ["http://example.com/", "https required"],
  // More spellings and ranges.
  ["https://LOCALHOST/", "localhost name"],
  ["https://Foo.LocalHost./", "localhost name"],
  ["https://localhost../", "localhost name"],
  ["https://%6c%6fcalhost/", "localhost name"],
  ["https://\uff4c\uff4f\uff43\uff41\uff4c\uff48\uff4f\uff53\uff54/", "localhost name"], // fullwidth
  ["https://intranet./", "single-label name"],
  ["https://db.localdomain/", "internal name"],
  ["https://router.home.arpa/", "internal name"],
  ["https://vpc.internal./", "internal name"],
  ["https://127.1/", "loopback address"],
  ["https://0x7f.1/", "loopback address"],
  ["https://0177.0.0.1/", "loopback address"], // octal
  ["https://127.0.0.1./", "loopback address"], // not the exact spelling local development allows
  ["https://0/", "unspecified address"],
  ["https://172.16.0.1/", "private address"],
  ["https://172.31.255.255/", "private address"],
  ["https://192.0.0.8/", "IETF protocol address"],
  ["https://192.0.2.1/", "documentation address"],
  ["https://198.18.0.1/", "benchmarking address"],
  ["https://198.19.255.1/", "benchmarking address"],
  ["https://198.51.100.7/", "documentation address"],
  ["https://203.0.113.9/", "documentation address"],
  ["https://224.0.0.1/", "multicast address"],
  ["https://239.255.255.250/", "multicast address"],
  ["https://240.0.0.1/", "reserved address"],
  ["https://255.255.255.255/", "broadcast address"],
  ["https://[0:0:0:0:0:ffff:10.0.0.1]/", "private address"],
  ["https://[::ffff:a9fe:a9fe]/", "link-local address"],
  ["https://[::10.0.0.1]/", "private address"], // IPv4-compatible
  ["https://[::ffff:0:7f00:1]/", "loopback address"], // IPv4-translated
  ["https://[2002:a9fe:a9fe::1]/", "link-local address"], // 6to4
  ["https://[64:ff9b:1::a00:1]/", "NAT64 local-use address"],
  ["https://[fec0::1]/", "site-local address"],
  ["https://[fc00::1]/", "unique local address"],
  ["https://[2001:db8::1]/", "documentation address"],
  ["https://[2001::1]/", "IETF protocol address"], // Teredo
  ["https://[100::1]/", "reserved address"],
  ["https://:pw@example.com/", "credentials in URL"],
  ["ftp://example.com/", "scheme not allowed"],
  ["file:///etc/passwd", "scheme not allowed"],
  ["javascript:alert(1)", "scheme not allowed"],
  ["not a url", "invalid URL"],
];

const ALLOWED = [
  "https://hooks.example.com/x",
  "https://8.8.8.8/",
  "https://[2606:4700::1111]/",
  "https://hooks.test/abc",
  "https://example.com:8443/path?q=1#f",
  "https://example.com./",
  "https://[::ffff:8.8.8.8]/",
  "https://[64:ff9b::808:808]/",
  "https://172.32.0.1/",
  "https://100.128.0.1/",
  "https://198.20.0.1/",
  "https://1.1.1.1/",
  "https://223.255.255.255/",
];

/** Allowed only in local development: loopback by exactly these names, http or https, any port. */
const DEV_ONLY = ["http://127.0.0.1:9999/", "http://localhost:8787/hook", "http://[::1]:3000/", "https://localhost/", "https://127.0.0.1/", "https://[::1]/", "http://127.0.0.1", "HTTP://localhost:8787/"];

/** Refused in local development too: nothing but those three hosts is exempt. */
const REFUSED_IN_DEV = [
  "http://10.0.0.1/",
  "http://localhost./",
  "http://127.0.0.2/",
  "http://foo.localhost/",
  "https://user:pw@localhost/",
  "http://0x7f.1/",
  "http://2130706433:8787/",
  "http://127.1/",
  "http://[0:0::1]/",
  "http://[::ffff:127.0.0.1]/",
  "http://LOCALHOST:8787/",
  "http://example.com/",
];

describe("webhook URL policy", () => {
  it.each(REFUSED)("refuses %s (%s), in production and in local development", (url, problem) => {
    expect(webhookUrlProblem(url, false)).toBe(problem);
    expect(webhookUrlProblem(url, true)).toBe(problem);
  });

  it.each(ALLOWED)("allows %s", (url) => {
    expect(webhookUrlProblem(url, false)).toBeNull();
    expect(webhookUrlProblem(url, true)).toBeNull();
  });

  it.each(DEV_ONLY)("allows %s only in local development", (url) => {
    expect(webhookUrlProblem(url, true)).toBeNull();
    expect(webhookUrlProblem(url, false)).not.toBeNull();
  });

  it.each(REFUSED_IN_DEV)("refuses %s in local development too", (url) => {
    expect(webhookUrlProblem(url, true)).not.toBeNull();
  });

  it("gives the normalised URL to send to, so what is fetched is what was judged", () => {
    const verdict = judgeWebhookUrl("https://Hooks.Example.COM:443/a/../b", false);
    expect(verdict).toMatchObject({ ok: true });
    expect(verdict.ok && verdict.url.href).toBe("https://hooks.example.com/b");
  });

  it("parses strict dotted-decimal IPv4 only", () => {
    expect(parseIPv4("127.0.0.1")).toBe(0x7f000001);
    expect(parseIPv4("255.255.255.255")).toBe(0xffffffff);
    expect(parseIPv4("0.0.0.0")).toBe(0);
    for (const bad of ["", "1.2.3", "1.2.3.4.5", "1.2.3.256", "01.2.3.4", "1..3.4", "1.2.3.4.", "0x7f.0.0.1", "a.b.c.d", "1.2.3.-4", "1111.2.3.4"])
      expect(parseIPv4(bad), bad).toBeNull();
  });

  it("parses IPv6 with compression and an embedded IPv4, and nothing malformed", () => {
    expect(parseIPv6("::")).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(parseIPv6("[::1]")).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
    expect(parseIPv6("fe80::1:2")).toEqual([0xfe80, 0, 0, 0, 0, 0, 1, 2]);
    expect(parseIPv6("1:2:3:4:5:6:7:8")).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(parseIPv6("::ffff:10.0.0.1")).toEqual([0, 0, 0, 0, 0, 0xffff, 0x0a00, 1]);
    expect(parseIPv6("2001:DB8::")).toEqual([0x2001, 0xdb8, 0, 0, 0, 0, 0, 0]);
    for (const bad of ["", "[]", ":::", "1::2::3", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "12345::", "g::1", "::1.2.3", "1.2.3.4::", ":1:2:3:4:5:6:7", "1:2:3:4:5:6:7:", "fe80::1%eth0", "1:2:3:4:5:6:7::8"])
      expect(parseIPv6(bad), bad).toBeNull();
  });

  it("judges names after removing trailing dots, and never a numeric last label as a name", () => {
    expect(hostnameProblem("hooks.example.com.")).toBeNull();
    expect(hostnameProblem("notlocalhost.com")).toBeNull();
    expect(hostnameProblem("localhost.com")).toBeNull();
    expect(hostnameProblem("internal.example.com")).toBeNull();
    expect(hostnameProblem("a.b.localhost")).toBe("localhost name");
    expect(hostnameProblem("...")).toBe("invalid URL");
    expect(hostnameProblem("foo.123")).toBe("invalid address");
    expect(hostnameProblem("foo.0x1f")).toBe("invalid address");
  });
});

// ---------------------------------------------------------------------------------------------
// Generated addresses. The ranges are written out here again (not imported), as the issue lists
// them, plus the deprecated 6to4 relay anycast prefix the policy also refuses.

const RANGES: readonly (readonly [cidr: string, what: string])[] = [
  ["0.0.0.0/8", "unspecified"],
  ["10.0.0.0/8", "private"],
  ["100.64.0.0/10", "CGNAT"],
  ["127.0.0.0/8", "loopback"],
  ["169.254.0.0/16", "link-local"],
  ["172.16.0.0/12", "private"],
  ["192.0.0.0/24", "IETF"],
  ["192.0.2.0/24", "documentation"],
  ["192.88.99.0/24", "6to4 relay"],
  ["192.168.0.0/16", "private"],
  ["198.18.0.0/15", "benchmarking"],
  ["198.51.100.0/24", "documentation"],
  ["203.0.113.0/24", "documentation"],
  ["224.0.0.0/4", "multicast"],
  ["240.0.0.0/4", "reserved"],
  ["255.255.255.255/32", "broadcast"],
];

/** The range as [first address, size], computed independently of the policy's parser. */
function bounds(cidr: string): [number, number] {
  const [ip, bits] = cidr.split("/") as [string, string];
  const first = ip.split(".").reduce((n, octet) => n * 256 + Number(octet), 0);
  return [first, 2 ** (32 - Number(bits))];
}

const dotted = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
const hex4 = (n: number) => `${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;

/** Every spelling of one address a URL may use: dotted, one integer, IPv4-mapped IPv6 (two ways). */
const spellings = (n: number) => [
  `https://${dotted(n)}/`,
  `https://${n}/`,
  `https://[::ffff:${dotted(n)}]/`,
  `https://[::ffff:${hex4(n)}]/`,
];

const inRefusedRange = (n: number) =>
  RANGES.some(([cidr]) => {
    const [first, size] = bounds(cidr);
    return n >= first && n < first + size;
  });

describe("webhook URL policy, generated addresses", () => {
  for (const [cidr, what] of RANGES) {
    it(`refuses every address in ${cidr} (${what}), however it is written`, () => {
      const [first, size] = bounds(cidr);
      fc.assert(
        fc.property(fc.integer({ min: 0, max: size - 1 }), fc.boolean(), (offset, devMode) => {
          const n = first + offset;
          expect(ipv4Problem(n)).not.toBeNull();
          // The one exception: local development may write 127.0.0.1 exactly so.
          const urls = spellings(n).filter((url) => !(devMode && url === "https://127.0.0.1/"));
          for (const url of urls) expect(webhookUrlProblem(url, devMode), url).not.toBeNull();
          // NAT64 reaches the same address.
          expect(webhookUrlProblem(`https://[64:ff9b::${hex4(n)}]/`, devMode)).not.toBeNull();
        }),
        { numRuns: 200 },
      );
    });
  }

  it("allows public unicast IPv4 outside every listed range, however it is written", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffffffff }).filter((n) => !inRefusedRange(n)),
        (n) => {
          expect(ipv4Problem(n)).toBeNull();
          for (const url of spellings(n)) expect(webhookUrlProblem(url, false), url).toBeNull();
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("refuses http to any address outside local development's loopback exception", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (n) => {
        expect(webhookUrlProblem(`http://${dotted(n)}/`, false)).not.toBeNull();
      }),
      { numRuns: 500 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Through the API and the delivery runs.

let fetchSpy: MockInstance<typeof fetch>;
let realFetch: typeof fetch;
/** What the fake outbound `fetch` does for `https://hooks.test/...` URLs; others go out for real. */
let outbound: (url: string) => Promise<Response> = async () => new Response("ok");

beforeEach(() => {
  realFetch = globalThis.fetch;
  outbound = async () => new Response("ok");
  fetchSpy = vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const request = new Request(input as RequestInfo, init);
    if (!request.url.startsWith("https://hooks.test/")) return realFetch(input as RequestInfo, init);
    return outbound(request.url);
  });
});
afterEach(() => {
  fetchSpy.mockRestore();
});

const admin = webhookAdmin;

async function deliveriesOf(siteId: string, endpointId: string, key: string) {
  const res = await admin(siteId, `/${endpointId}/deliveries`, key);
  expect(res.status).toBe(200);
  return ((await res.json()) as WebhookDeliveriesResponse).deliveries;
}

/** Stores an endpoint row directly, as one added before the policy existed would be. */
async function legacyEndpoint(siteId: string, url: string): Promise<string> {
  const id = `wh_${[...crypto.getRandomValues(new Uint8Array(12))].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
  await env.LEDGER.prepare(`INSERT INTO webhook_endpoints (id, site_id, url, events, description, created_at) VALUES (?1, ?2, ?3, '["*"]', NULL, ?4)`)
    .bind(id, siteId, url, new Date().toISOString())
    .run();
  return id;
}

const ISSUE_EXAMPLES = REFUSED.slice(0, 21).map(([url]) => url);

describe("adding an endpoint", () => {
  it.each(ISSUE_EXAMPLES)("refuses %s with 422 invalid_webhook_url, naming the rule only, storing nothing", async (url) => {
    const site = await freshSite();
    const key = (await insertApiKey(site.id)).secret;
    const problem = await expectProblem(await admin(site.id, "", key, { method: "POST", json: { url } }), 422, "invalid_webhook_url");
    expect(problem.detail).toContain(webhookUrlProblem(url, true)!);
    expect(problem.detail).not.toContain(new URL(url).hostname);
    const row = await env.LEDGER.prepare(`SELECT COUNT(*) AS n FROM webhook_endpoints WHERE site_id = ?1`).bind(site.id).first<{ n: number }>();
    expect(row!.n).toBe(0);
  });

  it("still accepts a public https URL and, in local development, http to 127.0.0.1", async () => {
    const site = await freshSite();
    const key = (await insertApiKey(site.id)).secret;
    for (const url of ["https://hooks.example.com/x", "https://[2606:4700::1111]/hook", "http://127.0.0.1:9999/hook", "http://localhost:8787/hook"]) {
      const res = await admin(site.id, "", key, { method: "POST", json: { url } });
      expect(res.status, url).toBe(201);
      expect(((await res.json()) as WebhookEndpoint).url).toBe(url);
    }
  });
});

describe("delivery", () => {
  it("re-checks a stored URL before every attempt: no request, 'address not allowed', retried like any failure", async () => {
    const site = await freshSite();
    const key = (await insertApiKey(site.id)).secret;
    const endpointId = await legacyEndpoint(site.id, "https://169.254.169.254/latest/meta-data/");
    const queued = await admin(site.id, `/${endpointId}/test`, key, { method: "POST" });
    expect(queued.status).toBe(202);
    await settled(site.id);
    let [d] = await deliveriesOf(site.id, endpointId, key);
    expect(d).toMatchObject({ status: "pending", attempts: 1, lastStatus: null, lastError: "address not allowed" });

    const run = await deliverDue(workerEnv, new Date(Date.parse(d!.nextAttemptAt!) + 1000), { siteId: site.id });
    expect(run).toMatchObject({ attempted: 1, delivered: 0 });
    [d] = await deliveriesOf(site.id, endpointId, key);
    expect(d).toMatchObject({ status: "pending", attempts: 2, lastError: "address not allowed" });
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it("refuses a stored private address even in local development, where loopback is allowed", async () => {
    const site = await freshSite();
    const key = (await insertApiKey(site.id)).secret;
    const endpointId = await legacyEndpoint(site.id, "http://10.0.0.1:8080/hook");
    expect((await admin(site.id, `/${endpointId}/test`, key, { method: "POST" })).status).toBe(202);
    await settled(site.id);
    await deliverDue(workerEnv, new Date(Date.now() + 10 * 60_000), { siteId: site.id });
    const [d] = await deliveriesOf(site.id, endpointId, key);
    expect(d).toMatchObject({ lastError: "address not allowed" });
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it("reports a network error in fixed words, never the runtime's text (no host, address or errno)", async () => {
    const site = await freshSite();
    const key = (await insertApiKey(site.id)).secret;
    outbound = async () => {
      throw new TypeError("connect ECONNREFUSED 10.1.2.3:5432 (db.corp.example)");
    };
    const res = await admin(site.id, "", key, { method: "POST", json: { url: `https://hooks.test/${crypto.randomUUID()}` } });
    const endpoint = (await res.json()) as WebhookEndpoint;
    expect((await admin(site.id, `/${endpoint.id}/test`, key, { method: "POST" })).status).toBe(202);
    await settled(site.id);
    const [d] = await deliveriesOf(site.id, endpoint.id, key);
    expect(d).toMatchObject({ status: "pending", attempts: 1, lastStatus: null, lastError: "network error" });
    expect(fetchSpy).toHaveBeenCalled();
  });

  it("a refused connection to a real closed port reads 'network error' too", async () => {
    const site = await freshSite();
    const key = (await insertApiKey(site.id)).secret;
    const res = await admin(site.id, "", key, { method: "POST", json: { url: "http://127.0.0.1:1/hook" } });
    expect(res.status).toBe(201);
    const endpoint = (await res.json()) as WebhookEndpoint;
    expect((await admin(site.id, `/${endpoint.id}/test`, key, { method: "POST" })).status).toBe(202);
    await settled(site.id);
    const [d] = await deliveriesOf(site.id, endpoint.id, key);
    expect(d!.lastError).toBe("network error");
    expect(JSON.stringify(d)).not.toMatch(/ECONN|errno|127\.0\.0\.1/i);
  });

  it("records only the fixed vocabulary for answers: HTTP <status> and redirects", async () => {
    const site = await freshSite();
    const key = (await insertApiKey(site.id)).secret;
    outbound = async (url) =>
      url.endsWith("/redirect") ? new Response(null, { status: 307, headers: { Location: "http://10.0.0.1/" } }) : new Response("secret page", { status: 503 });
    const made = [];
    for (const path of ["/redirect", "/down"]) {
      const res = await admin(site.id, "", key, { method: "POST", json: { url: `https://hooks.test/${crypto.randomUUID()}${path}` } });
      made.push((await res.json()) as WebhookEndpoint);
    }
    for (const e of made) expect((await admin(site.id, `/${e.id}/test`, key, { method: "POST" })).status).toBe(202);
    await settled(site.id);
    expect((await deliveriesOf(site.id, made[0]!.id, key))[0]).toMatchObject({ lastStatus: 307, lastError: "redirects are not followed" });
    expect((await deliveriesOf(site.id, made[1]!.id, key))[0]).toMatchObject({ lastStatus: 503, lastError: "HTTP 503" });
  });
});
