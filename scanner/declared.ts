/**
 * What a site declares, in the shape the scanner compares observations with: every storage
 * item and vendor host of its config's categories, with whether the category is necessary and
 * whether it is sale/sharing. And what "third party" means here: another registrable domain
 * than the page's (tldts reads the Public Suffix List, so `a.example.co.uk` and
 * `b.example.co.uk` are one site), the Assent Worker's own host counting as first party.
 */
import { getDomain } from "tldts";
import type { Category } from "../worker/contract";
import { hostWithin, matchesPattern } from "./vendors";

export type StorageType = "cookie" | "localStorage" | "sessionStorage" | "indexedDB";

/** One `storage` entry of a category. */
export interface DeclaredItem {
  name: string;
  type: StorageType;
  category: string;
  necessary: boolean;
  saleOrSharing: boolean;
  durationDays: number | null;
  thirdParty: boolean;
}

/** One host of a vendor's `hosts`. */
export interface DeclaredHost {
  host: string;
  vendor: string;
  category: string;
  necessary: boolean;
  saleOrSharing: boolean;
}

export interface Declared {
  categories: Category[];
  items: DeclaredItem[];
  hosts: DeclaredHost[];
}

/** The declared items and hosts of a site's categories. */
export function declaredFrom(categories: Category[]): Declared {
  const items: DeclaredItem[] = [];
  const hosts: DeclaredHost[] = [];
  for (const c of categories) {
    const base = { category: c.id, necessary: c.required, saleOrSharing: c.saleOrSharing };
    for (const s of c.storage) items.push({ ...base, name: s.name, type: s.type, durationDays: s.durationDays, thirdParty: s.thirdParty });
    for (const v of c.vendors) for (const host of v.hosts ?? []) hosts.push({ ...base, host, vendor: v.id });
  }
  return { categories, items, hosts };
}

/** How specific a pattern is: its characters other than `*` (an exact name beats any wildcard). */
const specificity = (pattern: string) => (pattern.includes("*") ? pattern.replaceAll("*", "").length : Number.MAX_SAFE_INTEGER);

/** The declared item a storage name falls under (the most specific pattern wins), if any. */
export function matchDeclared(declared: Declared, name: string, type: StorageType): DeclaredItem | undefined {
  let best: DeclaredItem | undefined;
  for (const item of declared.items)
    if (item.type === type && matchesPattern(item.name, name) && (!best || specificity(item.name) > specificity(best.name))) best = item;
  return best;
}

/** The declared vendor host a request's host falls under (the longest suffix wins), if any. */
export function matchHost(declared: Declared, host: string): DeclaredHost | undefined {
  let best: DeclaredHost | undefined;
  for (const h of declared.hosts) if (hostWithin(host, h.host) && (!best || h.host.length > best.host.length)) best = h;
  return best;
}

/** A host's registrable domain ("www.example.co.uk" → "example.co.uk"); an IP address or "localhost" is its own. */
export function siteOf(host: string): string {
  const bare = host.replace(/^\./, "").toLowerCase();
  return getDomain(bare) ?? bare;
}

/** Whether a host (or a cookie's domain) belongs to another site than the page and the Worker. */
export function isThirdParty(host: string, pageHost: string, workerHost: string | null): boolean {
  const site = siteOf(host);
  return site !== siteOf(pageHost) && (workerHost === null || site !== siteOf(workerHost));
}
