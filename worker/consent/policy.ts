/**
 * Pure decisions made at the edge from one request: GPC, regime and jurisdiction, language,
 * and a coarse browser family for the ledger. No storage, no I/O: unit-tested as tables.
 */
import { type EdgeDecision, OPT_IN_COUNTRIES, type Regime, type Regimes } from "../contract";

/**
 * Characters of `Sec-GPC` read. A real value is "1" (a few repeats joined with ", " when a proxy
 * duplicates the header); the cap keeps an attacker's 64 KB header from costing anything. Only
 * parts that end within the first MAX_GPC_HEADER_CHARS characters (at a comma, or at the end of
 * a value no longer than the cap) are read: a "1" beyond the cap, or cut by it, does not count.
 */
export const MAX_GPC_HEADER_CHARS = 256;

const COMMA = 0x2c;
const SPACE = 0x20;
const TAB = 0x09;
const ONE = 0x31;
const isSpaceOrTab = (code: number) => code === SPACE || code === TAB;

/**
 * GPC from the `Sec-GPC` header (R2.1). The value must be exactly "1"; when the header is sent
 * more than once the runtime joins the values with ", ", and any one of them being "1" counts
 * (spaces and tabs next to a comma are ignored). Note: HTTP strips whitespace around a field
 * value (RFC 9110 §5.5), so ` 1` sent on the wire reaches the Worker as `1`; this function,
 * given the raw ` 1`, refuses it. Reads at most MAX_GPC_HEADER_CHARS characters, in one pass
 * (a regex split here was quadratic in runs of spaces).
 */
export function gpcFromHeader(value: string | null | undefined): boolean {
  if (value == null) return false;
  const truncated = value.length > MAX_GPC_HEADER_CHARS;
  const end = truncated ? MAX_GPC_HEADER_CHARS : value.length;
  let partStart = 0;
  for (let i = 0; i <= end; i++) {
    const atComma = i < end && value.charCodeAt(i) === COMMA;
    if (i < end && !atComma) continue;
    // The last part of a value longer than the cap may be cut short: it is not read.
    if (!atComma && truncated) return false;
    // Each character is trimmed at most once: parts do not overlap, so the scan stays linear.
    let from = partStart;
    let to = i;
    if (partStart > 0) while (from < to && isSpaceOrTab(value.charCodeAt(from))) from++;
    if (atComma) while (to > from && isSpaceOrTab(value.charCodeAt(to - 1))) to--;
    if (to - from === 1 && value.charCodeAt(from) === ONE) return true;
    partStart = i + 1;
  }
  return false;
}

/** The parts of `request.cf` Assent reads. */
export interface GeoHints {
  country?: string | null;
  regionCode?: string | null;
  isEUCountry?: string | boolean | null;
}

/** The local-development header that stands in for `request.cf`'s location. */
export const DEV_GEO_HEADER = "X-Assent-Dev-Geo";

const GEO = /^([A-Z]{2})(?:-([A-Z0-9]{1,3}))?$/;

/**
 * Where a request comes from: Cloudflare's `request.cf` (country, region, EU flag). In local
 * development only (`DEV_MODE` "true", set by `npm start` and the local server, never in a
 * deployment) the `X-Assent-Dev-Geo` header ("DE", "US-CA") stands in for it, so one local
 * Worker can be visited as an EU visitor and as a Californian: the compliance scanner's
 * profiles (`npm run scan`) rely on it. A deployed Worker ignores the header.
 */
export function requestGeo(request: Request, env: { DEV_MODE?: string }): GeoHints {
  if (env.DEV_MODE === "true") {
    const match = GEO.exec(request.headers.get(DEV_GEO_HEADER)?.slice(0, 8) ?? "");
    if (match) return { country: match[1]!, regionCode: match[2] ?? null };
  }
  return (request.cf as GeoHints | undefined) ?? {};
}

/** Codes Cloudflare uses for "no real country": unknown and Tor. */
const NO_COUNTRY = new Set(["XX", "T1"]);

/** EU/EEA/UK/CH: always opt-in, even when a site's rules forget the country (R0.4). */
const ALWAYS_OPT_IN = new Set<string>(OPT_IN_COUNTRIES);

/**
 * Resolves the regime for a location from the site's rules (R0.4). An unknown country gets
 * opt-in, the strictest regime. A known country whose rules depend on the region, with the
 * region unknown, also gets opt-in: the visitor may be in any of its states.
 */
export function resolveRegime(regimes: Regimes, geo: GeoHints): { regime: Regime; jurisdiction: string | null; country: string | null } {
  const country = geo.country && /^[A-Z]{2}$/.test(geo.country) && !NO_COUNTRY.has(geo.country) ? geo.country : null;
  if (!country) return { regime: "opt-in", jurisdiction: null, country: null };
  const region = geo.regionCode && /^[A-Z0-9]{1,3}$/.test(geo.regionCode) ? `${country}-${geo.regionCode}` : null;
  const euFlag = geo.isEUCountry === "1" || geo.isEUCountry === true;
  for (const rule of regimes.rules) {
    if (region && rule.regions?.includes(region)) return { regime: rule.regime, jurisdiction: region, country };
    if (rule.countries?.includes(country)) {
      const regionRules = regimes.rules.some((r) => r.regions?.some((code) => code.startsWith(`${country}-`)));
      if (!region && regionRules) return { regime: "opt-in", jurisdiction: country, country };
      return { regime: rule.regime, jurisdiction: region ?? country, country };
    }
  }
  // A country the site's rules forgot is never weaker than opt-in in the EU/EEA/UK/CH: by our list,
  // or by Cloudflare's EU flag (which is never set for GB, CH, NO, IS or LI).
  if (euFlag || ALWAYS_OPT_IN.has(country)) return { regime: "opt-in", jurisdiction: country, country };
  return { regime: regimes.otherwise, jurisdiction: region ?? country, country };
}

/** The whole edge decision for a request. */
export function edgeDecision(regimes: Regimes, geo: GeoHints, secGpc: string | null | undefined): EdgeDecision {
  return { ...resolveRegime(regimes, geo), gpc: gpcFromHeader(secGpc) };
}

/**
 * Characters of `Accept-Language` read. Browsers send well under 200 (a handful of tags with
 * q-values); only entries that end within the cap (at a comma, or at the end of a value no
 * longer than it) are read, so a tag cut by the cap is never half-read.
 */
export const MAX_ACCEPT_LANGUAGE_CHARS = 1024;

/** Accept-Language entries read, in header order, before sorting by q. */
export const MAX_ACCEPT_LANGUAGE_ENTRIES = 20;

/**
 * Accept-Language entries, best first (q=0 dropped): at most MAX_ACCEPT_LANGUAGE_ENTRIES of the
 * first MAX_ACCEPT_LANGUAGE_CHARS characters. Linear: one split with a limit, and a q-value
 * pattern whose parts cannot overlap (no backtracking).
 */
export function parseAcceptLanguage(header: string | null | undefined): string[] {
  if (!header) return [];
  let read = header;
  if (header.length > MAX_ACCEPT_LANGUAGE_CHARS) {
    read = header.slice(0, MAX_ACCEPT_LANGUAGE_CHARS);
    read = read.slice(0, Math.max(0, read.lastIndexOf(",")));
  }
  return read
    .split(",", MAX_ACCEPT_LANGUAGE_ENTRIES)
    .map((part, index) => {
      const [tag = "", ...params] = part.trim().split(";");
      const q = params.map((p) => /^\s*q\s*=\s*([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { tag: tag.trim(), q: q === undefined ? 1 : Number(q), index };
    })
    .filter((e) => e.tag && e.tag !== "*" && Number.isFinite(e.q) && e.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index)
    .map((e) => e.tag);
}

/**
 * Picks the site locale for a request: `?lang=`, then Accept-Language, then the default.
 * Matches exactly first, then by primary language ("de-CH" → "de", "pt" → "pt-BR").
 */
export function negotiateLocale(available: string[], defaultLocale: string, query: string | undefined, acceptLanguage: string | null | undefined): string {
  const lower = available.map((l) => l.toLowerCase());
  const match = (wanted: string): string | undefined => {
    const w = wanted.toLowerCase();
    const exact = lower.indexOf(w);
    if (exact >= 0) return available[exact];
    const primary = w.split("-")[0];
    const byPrimary = lower.findIndex((l) => l === primary || l.split("-")[0] === primary);
    return byPrimary >= 0 ? available[byPrimary] : undefined;
  };
  for (const wanted of [...(query ? [query] : []), ...parseAcceptLanguage(acceptLanguage)]) {
    const found = match(wanted);
    if (found) return found;
  }
  return defaultLocale;
}

const RTL = new Set(["ar", "arc", "ckb", "dv", "fa", "he", "iw", "ks", "ps", "sd", "ug", "ur", "yi"]);

/** Writing direction of a locale. */
export function localeDirection(locale: string): "ltr" | "rtl" {
  return RTL.has(locale.toLowerCase().split("-")[0]!) ? "rtl" : "ltr";
}

/**
 * Characters of `User-Agent` read. Real user agents are 100–300 characters, with the family
 * tokens (`Chrome/`, `Edg/`, …) well inside; the cap bounds the work on a giant header.
 */
export const MAX_USER_AGENT_CHARS = 512;

/**
 * A coarse browser family for the ledger (R1.14): enough to tell what rendered the banner,
 * far too little to single anyone out. The full user agent is never stored. Reads the first
 * MAX_USER_AGENT_CHARS characters, with patterns of literals only (linear).
 */
export function uaFamily(userAgent: string | null | undefined): string {
  const ua = (userAgent ?? "").slice(0, MAX_USER_AGENT_CHARS);
  if (!ua) return "unknown";
  if (/bot|crawl|spider|slurp|headless/i.test(ua)) return "bot";
  if (/Edg(e|A|iOS)?\//.test(ua)) return "Edge";
  if (/OPR\/|Opera/.test(ua)) return "Opera";
  if (/SamsungBrowser\//.test(ua)) return "Samsung Internet";
  if (/Firefox\/|FxiOS\//.test(ua)) return "Firefox";
  if (/Chrome\/|CriOS\/|Chromium\//.test(ua)) return "Chrome";
  if (/Safari\//.test(ua) && /Version\//.test(ua)) return "Safari";
  return "other";
}
