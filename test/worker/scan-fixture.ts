/**
 * A compliance scan report written by hand, as `npm run scan -- https://shop.example.com/ --json
 * scan.json` would write it for a shop whose tag manager loads a marketing pixel before a
 * choice: the three profiles with their observations, findings of several rules and severities
 * (each with its evidence), and suggestions for what the config does not declare. It passes
 * ScanReport.parse (checked when it is built). Pure data: the worker tests and the browser
 * tests both use it.
 */
import { SCAN_SCHEMA, type ScanButtonStyle, type ScanObservation, ScanReport } from "../../worker/contract";

const PAGE = "https://shop.example.com/";
const PAGE_2 = "https://shop.example.com/products/penguin-mug";

const accept: ScanButtonStyle = { label: "Accept all", width: 132, height: 44, fontSize: 16, fontWeight: 600, color: "rgb(255, 255, 255)", background: "rgb(29, 78, 216)", contrast: 6.7 };
const reject: ScanButtonStyle = { label: "Reject all", width: 96, height: 32, fontSize: 13, fontWeight: 400, color: "rgb(156, 163, 175)", background: "rgba(0, 0, 0, 0)", contrast: 2.5 };

const pixel = { url: "https://connect.facebook.net/en_US/fbevents.js", host: "connect.facebook.net", type: "script", thirdParty: true };
const analytics = { url: "https://www.google-analytics.com/g/collect", host: "www.google-analytics.com", type: "fetch", thirdParty: true };
const fbp = { name: "_fbp", domain: ".shop.example.com", thirdParty: false, expiresDays: 89.9 };
const assentRecord = { area: "localStorage" as const, key: "assent:v1:shop" };

function observation(state: ScanObservation["state"], page: string, extra: Partial<ScanObservation> = {}): ScanObservation {
  return {
    state,
    page,
    cookies: [],
    storage: [],
    requests: [{ url: page, host: "shop.example.com", type: "document", thirdParty: false }],
    consentMode: [{ command: "consent", target: "default", values: { ad_storage: "denied", analytics_storage: "denied" } }],
    ...extra,
  };
}

/**
 * The report for `site` (an Assent site id, or null when the scanner could not tell), with
 * `over` replacing top-level fields; parsed, so a test gets exactly what the API would store.
 */
export function scanReport(site: string | null, over: Partial<ScanReport> = {}): ScanReport {
  const startedAt = over.startedAt ?? "2026-11-02T09:14:05.120Z";
  return ScanReport.parse({
    schema: SCAN_SCHEMA,
    tool: "assent-scan 0.9.0",
    url: PAGE,
    site,
    startedAt,
    finishedAt: "2026-11-02T09:14:41.877Z",
    profiles: [
      {
        profile: "eu",
        regime: "opt-in",
        jurisdiction: "DE",
        gpc: false,
        observations: [
          observation("before", PAGE, { cookies: [fbp], requests: [{ url: PAGE, host: "shop.example.com", type: "document", thirdParty: false }, pixel] }),
          observation("reject", PAGE, { storage: [assentRecord], cookies: [fbp] }),
          observation("reject-reload", PAGE, { storage: [assentRecord] }),
          observation("reject-next-page", PAGE_2, { storage: [assentRecord] }),
          observation("accept", PAGE, {
            storage: [assentRecord, { area: "localStorage", key: "ab_test_bucket" }],
            cookies: [fbp, { name: "_ga", domain: ".shop.example.com", thirdParty: false, expiresDays: 399.9 }],
            requests: [{ url: PAGE, host: "shop.example.com", type: "document", thirdParty: false }, pixel, analytics],
          }),
          observation("escape", PAGE),
        ],
        buttons: { accept, reject },
      },
      {
        profile: "us-ca",
        regime: "opt-out",
        jurisdiction: "CA",
        gpc: false,
        observations: [observation("before", PAGE, { cookies: [fbp], requests: [pixel] }), observation("reject", PAGE, { storage: [assentRecord] })],
        buttons: { accept, reject: null },
      },
      {
        profile: "us-ca-gpc",
        regime: "opt-out",
        jurisdiction: "CA",
        gpc: true,
        observations: [observation("before", PAGE, { cookies: [fbp], storage: [assentRecord], requests: [pixel] })],
        buttons: null,
      },
    ],
    findings: [
      {
        rule: "before-choice/third-party",
        severity: "error",
        profile: "eu",
        state: "before",
        page: PAGE,
        message: "connect.facebook.net was contacted before the visitor chose; no necessary vendor lists it.",
        evidence: { kind: "request", request: pixel },
      },
      {
        rule: "before-choice/cookie",
        severity: "error",
        profile: "eu",
        state: "before",
        page: PAGE,
        message: "Cookie _fbp was set before the visitor chose.",
        evidence: { kind: "cookie", cookie: fbp },
      },
      {
        rule: "reject/cookie",
        severity: "error",
        profile: "eu",
        state: "reject",
        page: PAGE,
        message: "Cookie _fbp was still there after Reject all.",
        evidence: { kind: "cookie", cookie: fbp },
      },
      {
        rule: "banner/reject-weaker",
        severity: "error",
        profile: "eu",
        state: "before",
        page: PAGE,
        message: "Reject all is smaller (96×32 against 132×44), in lighter type and at 2.5:1 contrast.",
        evidence: { kind: "buttons", accept, reject },
      },
      {
        rule: "gpc/not-honoured",
        severity: "error",
        profile: "us-ca-gpc",
        state: "before",
        page: PAGE,
        message: "With GPC on, the marketing pixel still loaded and set _fbp.",
        evidence: { kind: "record", categories: { necessary: true, usage: false, marketing: true } },
      },
      {
        rule: "consent-mode/update-count",
        severity: "warning",
        profile: "eu",
        state: "accept",
        page: PAGE,
        message: "Accept all sent two Consent Mode updates; one is expected.",
        evidence: {
          kind: "consent-mode",
          calls: [
            { command: "consent", target: "update", values: { ad_storage: "granted", analytics_storage: "granted" } },
            { command: "consent", target: "update", values: { analytics_storage: "granted" } },
          ],
        },
      },
      {
        rule: "declared/undeclared",
        severity: "warning",
        profile: "eu",
        state: "accept",
        page: PAGE,
        message: "localStorage key ab_test_bucket is in no category of the config.",
        evidence: { kind: "storage", item: { area: "localStorage", key: "ab_test_bucket" } },
      },
      {
        rule: "declared/undeclared",
        severity: "warning",
        profile: "eu",
        state: "accept",
        page: PAGE,
        message: "Cookie _fbp is in no category of the config.",
        evidence: { kind: "cookie", cookie: fbp },
      },
      {
        rule: "declared/stale",
        severity: "info",
        profile: "eu",
        state: null,
        page: PAGE,
        message: 'cookie pg_usage (category "usage") was declared but never seen.',
        evidence: { kind: "declared", name: "pg_usage", type: "cookie", category: "usage", durationDays: 395, thirdParty: false },
      },
    ],
    suggestions: [
      {
        category: "marketing",
        purpose: "marketing",
        vendor: { id: "meta", name: "Meta Pixel", policyUrl: "https://www.facebook.com/privacy/policy/", source: "https://developers.facebook.com/docs/meta-pixel/" },
        storage: { name: "_fbp", type: "cookie", durationDays: 90, thirdParty: false },
        host: null,
        observed: ["_fbp"],
      },
      {
        category: "usage",
        purpose: "analytics",
        vendor: { id: "google-analytics", name: "Google Analytics", policyUrl: "https://policies.google.com/privacy", source: "https://support.google.com/analytics/answer/11397207" },
        storage: { name: "_gid", type: "cookie", durationDays: 1, thirdParty: false },
        host: null,
        observed: ["_gid"],
      },
      {
        category: "unknown",
        purpose: "unknown",
        vendor: null,
        storage: { name: "ab_test_bucket", type: "localStorage", durationDays: null, thirdParty: false },
        host: null,
        observed: ["ab_test_bucket"],
      },
      { category: "marketing", purpose: "marketing", vendor: null, storage: null, host: "connect.facebook.net", observed: ["connect.facebook.net"] },
    ],
    summary: { errors: 5, warnings: 3, infos: 1, pages: [PAGE, PAGE_2] },
    ...over,
  });
}
