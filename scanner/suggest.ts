/**
 * Suggestions: for everything the scanner saw that the config does not declare, a proposed
 * config entry. The vendor table (vendors.ts) names the vendor, its purpose, its documented
 * duration and the source it comes from; a family of names it covers with `*` becomes one
 * entry ("_ga_*"). Items the table does not know are marked "unknown", with the lifetime the
 * scanner observed, and several unknown names that differ only by a trailing id are grouped.
 * The category is the site's own when one of its categories carries the matching Consent Mode
 * type (analytics → analytics_storage, marketing → ad_storage, functional →
 * functionality_storage or personalization_storage), else the purpose's name.
 */
import type { Category, ConsentModeType, ScanCookie, ScanFinding, ScanSuggestion } from "../worker/contract";
import { type VendorEntry, type VendorPurpose, vendorForHost, vendorForStorage } from "./vendors";

const PURPOSE_TYPES: Record<VendorPurpose, ConsentModeType[]> = {
  analytics: ["analytics_storage"],
  marketing: ["ad_storage", "ad_user_data", "ad_personalization"],
  functional: ["functionality_storage", "personalization_storage"],
  necessary: ["security_storage"],
};

/** The site category a purpose goes in. */
export function categoryFor(purpose: VendorPurpose | "unknown", categories: Category[]): string {
  if (purpose === "unknown") return "unknown";
  if (purpose === "necessary") return categories.find((c) => c.required)?.id ?? "necessary";
  const types = PURPOSE_TYPES[purpose];
  return categories.find((c) => !c.required && c.consentMode.some((t) => types.includes(t)))?.id ?? purpose;
}

const vendorRef = (v: VendorEntry) => ({ id: v.id, name: v.name, policyUrl: v.policyUrl, source: v.sources[0] ?? v.policyUrl });

/** "foo_1234", "foo_98aa7f" → "foo_*": a trailing run of digits or a long hex id. */
function familyOf(name: string): string | null {
  const m = /^(.*?[_.-])(?:\d+|[0-9a-f]{6,}|[0-9A-Za-z]{8,})$/.exec(name);
  return m && m[1]!.length >= 2 ? `${m[1]}*` : null;
}

/** Observed lifetime, rounded up to whole days (null: a session cookie). */
const observedDays = (cookies: ScanCookie[]) => {
  const days = cookies.map((c) => c.expiresDays).filter((d): d is number => d !== null);
  return days.length ? Math.ceil(Math.max(...days)) : null;
};

interface Seen {
  name: string;
  type: "cookie" | "localStorage" | "sessionStorage";
  cookie?: ScanCookie;
}

/** The suggestions for the undeclared findings of a scan. */
export function suggest(findings: ScanFinding[], categories: Category[]): ScanSuggestion[] {
  const seen: Seen[] = [];
  const hosts = new Set<string>();
  for (const f of findings) {
    if (f.rule !== "declared/undeclared") continue;
    const e = f.evidence;
    if (e.kind === "cookie") seen.push({ name: e.cookie.name, type: "cookie", cookie: e.cookie });
    else if (e.kind === "storage") seen.push({ name: e.item.key, type: e.item.area });
    else if (e.kind === "request") hosts.add(e.request.host);
  }

  const out: ScanSuggestion[] = [];
  const groups = new Map<string, { vendor: VendorEntry | null; pattern: string; durationDays: number | null; purpose: VendorPurpose | "unknown"; type: Seen["type"]; items: Seen[] }>();
  for (const s of seen) {
    const known = vendorForStorage(s.name, s.type);
    if (known) {
      const key = `${s.type}|${known.vendor.id}|${known.item.pattern}`;
      const g = groups.get(key) ?? { vendor: known.vendor, pattern: known.item.pattern, durationDays: known.item.durationDays, purpose: known.vendor.purpose, type: s.type, items: [] };
      g.items.push(s);
      groups.set(key, g);
    } else {
      const family = familyOf(s.name);
      const key = `${s.type}|?|${family ?? s.name}`;
      const g = groups.get(key) ?? { vendor: null, pattern: s.name, durationDays: null, purpose: "unknown" as const, type: s.type, items: [] };
      g.items.push(s);
      // Two or more names of one family: one entry with the wildcard.
      if (family && g.items.length > 1) g.pattern = family;
      groups.set(key, g);
    }
  }
  for (const g of groups.values()) {
    const cookies = g.items.flatMap((i) => (i.cookie ? [i.cookie] : []));
    out.push({
      category: categoryFor(g.purpose, categories),
      purpose: g.purpose,
      vendor: g.vendor ? vendorRef(g.vendor) : null,
      storage: {
        name: g.pattern,
        type: g.type,
        durationDays: g.vendor ? g.durationDays : g.type === "cookie" ? observedDays(cookies) : null,
        thirdParty: cookies.some((c) => c.thirdParty),
      },
      host: null,
      observed: [...new Set(g.items.map((i) => i.name))].slice(0, 100),
    });
  }
  for (const host of hosts) {
    const vendor = vendorForHost(host);
    out.push({
      category: categoryFor(vendor?.purpose ?? "unknown", categories),
      purpose: vendor?.purpose ?? "unknown",
      vendor: vendor ? vendorRef(vendor) : null,
      storage: null,
      host,
      observed: [host],
    });
  }
  return out.slice(0, 500);
}
