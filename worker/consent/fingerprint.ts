/**
 * Hashes that tie a decision to what the visitor was shown.
 *
 * - The **policy fingerprint** covers what is material (R9.12): the categories and what each
 *   does (required, sale/sharing, Consent Mode types), their vendors and storage with durations,
 *   the email lists, the regimes and the policy's `materialRevision`. It leaves out wording,
 *   colours, order and the policy's version label, so a typo fix or a new theme never re-prompts,
 *   while a new category or vendor always does.
 * - The **text hash** covers the wording of one locale, for the proof record.
 */
import type { SiteConfig, SiteTexts } from "../contract";
import { canonicalJson } from "../lib/canonical-json";
import { sha256Hex } from "../lib/sha256";

const byId = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The material part of a site config, in a canonical order. */
export function materialView(site: SiteConfig): unknown {
  return {
    categories: [...site.categories].sort(byId).map((c) => ({
      id: c.id,
      required: c.required,
      saleOrSharing: c.saleOrSharing,
      consentMode: [...c.consentMode].sort(),
      vendors: [...c.vendors].sort(byId).map((v) => ({ id: v.id, name: v.name, thirdParty: v.thirdParty, retentionDays: v.retentionDays })),
      storage: [...c.storage]
        .map((s) => ({ name: s.name, type: s.type, durationDays: s.durationDays, thirdParty: s.thirdParty }))
        .sort((a, b) => canonicalJson(a).localeCompare(canonicalJson(b))),
    })),
    communications: [...site.communications].sort(byId).map((l) => ({ id: l.id, kind: l.kind })),
    regimes: {
      otherwise: site.regimes.otherwise,
      rules: site.regimes.rules.map((r) => ({
        regime: r.regime,
        countries: [...(r.countries ?? [])].sort(),
        regions: [...(r.regions ?? [])].sort(),
      })),
    },
    materialRevision: site.policy.materialRevision,
  };
}

/** `fp1-` and the first 32 hex digits of the SHA-256 of the material view. */
export async function policyFingerprint(site: SiteConfig): Promise<string> {
  return `fp1-${(await sha256Hex(canonicalJson(materialView(site)))).slice(0, 32)}`;
}

/**
 * The version of the category-to-Consent-Mode mapping (R3.4): `gcm1-` and the first 16 hex digits
 * of the SHA-256 of every category's Consent Mode types, in a canonical order. Stored with each
 * proof row, so the proof says what a granted category let Google's tags do.
 */
export async function consentModeMappingId(site: SiteConfig): Promise<string> {
  const mapping = Object.fromEntries([...site.categories].sort(byId).map((c) => [c.id, [...c.consentMode].sort()]));
  return `gcm1-${(await sha256Hex(canonicalJson(mapping))).slice(0, 16)}`;
}

/** `th1-` and the first 32 hex digits of the SHA-256 of one locale's wording. */
export async function textHash(locale: string, texts: SiteTexts): Promise<string> {
  return `th1-${(await sha256Hex(canonicalJson({ locale, texts }))).slice(0, 32)}`;
}
