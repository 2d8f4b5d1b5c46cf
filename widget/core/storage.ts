/**
 * The visitor's record in the site's own first-party storage (R7.2): `localStorage` under
 * `assent:v1:{siteId}`, optionally mirrored to a first-party cookie the site's backend can read.
 * Nothing is written before the first decision (R1.1, R1.2). Every access is guarded: storage
 * can be disabled, full or throw in private modes, and the widget must never throw into the page.
 */
import type { LocalRecord } from "./types";

const key = (siteId: string) => `assent:v1:${siteId}`;

/** Reads the record; null when there is none, it is unreadable, or it belongs to another site. */
export function readRecord(siteId: string): LocalRecord | null {
  try {
    const raw = localStorage.getItem(key(siteId));
    if (!raw) return null;
    const record = JSON.parse(raw) as LocalRecord;
    if (record?.v !== 1 || record.siteId !== siteId || typeof record.categories !== "object") return null;
    return record;
  } catch {
    return null;
  }
}

/** Writes the record (and its cookie mirror). Returns false when storage refused it. */
export function writeRecord(record: LocalRecord): boolean {
  try {
    localStorage.setItem(key(record.siteId), JSON.stringify(record));
  } catch {
    return false;
  }
  if (record.cookieMirror) writeMirror(record);
  return true;
}

/** Removes the record and its mirror (after "Delete my data"). */
export function clearRecord(siteId: string, cookieMirror?: string): void {
  try {
    localStorage.removeItem(key(siteId));
  } catch {
    // storage unavailable: nothing to remove
  }
  if (cookieMirror) deleteCookie(cookieMirror);
}

/**
 * The cookie mirror holds only what a backend needs to decide: the categories, GPC, the US
 * opt-out (`o`, R2.5: so the backend stops sharing server-side too), the receipt and the expiry.
 * Never the token. First-party, `SameSite=Lax`, `Secure` on HTTPS.
 */
function writeMirror(record: LocalRecord): void {
  const value = encodeURIComponent(
    JSON.stringify({ c: record.categories, g: record.gpc ? 1 : 0, o: record.usOptOut?.saleSharing ? 1 : 0, r: record.receiptId ?? null, e: record.expiresAt }),
  );
  const expires = new Date(record.expiresAt).toUTCString();
  const secure = location.protocol === "https:" ? "; Secure" : "";
  document.cookie = `${record.cookieMirror}=${value}; Path=/; Expires=${expires}; SameSite=Lax${secure}`;
}

/** The domains a cookie may have been set on from this page: the host and each parent. */
function candidateDomains(): string[] {
  const parts = location.hostname.split(".");
  const domains: string[] = [];
  for (let i = 0; i < parts.length - 1; i++) domains.push(parts.slice(i).join("."));
  return domains;
}

/** Deletes a cookie on the host and its parent domains (where JS can reach it). */
export function deleteCookie(name: string, domain?: string): void {
  const past = new Date(0).toUTCString();
  const set = (d?: string) => {
    document.cookie = `${name}=; Path=/; Expires=${past}${d ? `; Domain=${d}` : ""}`;
  };
  set();
  for (const d of domain ? [domain] : candidateDomains()) set(d);
}

/**
 * Deletes first-party cookies and storage entries a withdrawn category set (R1.10). Names may
 * end in `*` (`_ga_*`) to match a family of cookies.
 */
export function deleteCategoryStorage(items: { name: string; type: string; domain?: string }[]): void {
  const cookieNames = document.cookie
    .split(";")
    .map((c) => c.split("=")[0]!.trim())
    .filter(Boolean);
  for (const item of items) {
    const matches = (name: string) =>
      item.name.endsWith("*") ? name.startsWith(item.name.slice(0, -1)) : name === item.name;
    try {
      if (item.type === "cookie") for (const name of cookieNames.filter(matches)) deleteCookie(name, item.domain);
      else if (item.type === "localStorage" || item.type === "sessionStorage") {
        const store = item.type === "localStorage" ? localStorage : sessionStorage;
        for (const name of Object.keys(store).filter(matches)) store.removeItem(name);
      }
    } catch {
      // storage unavailable: nothing we can reach
    }
  }
}
