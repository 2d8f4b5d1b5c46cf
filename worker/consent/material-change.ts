/**
 * Why a configuration change is material, in words a site owner can check before publishing:
 * the differences between the material views (./fingerprint.ts `materialView`) of the live
 * config and the draft. Material means the policy fingerprint changes, and every visitor who
 * decided before is asked again. Wording, colours, order and widget options are not material,
 * and a change of only those lists nothing here.
 */
import type { Category, SiteConfig } from "../contract";
import { canonicalJson } from "../lib/canonical-json";

/** One reason a change is material: where, and what happened there. */
export interface MaterialReason {
  /** What changed: a category, vendor, storage item, email list, the regimes or the revision. */
  subject: "category" | "vendor" | "storage" | "list" | "regimes" | "revision";
  change: "added" | "removed" | "changed";
  /** Its id or name, e.g. `usage`, `usage/matomo`, `usage/_pk_id (cookie)`. */
  name: string;
  /** For "changed": which properties, e.g. ["retentionDays"]. */
  fields?: string[];
}

const same = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b);

/** The keys whose values differ between two flat records. */
function changedFields(a: Record<string, unknown>, b: Record<string, unknown>, keys: string[]): string[] {
  return keys.filter((k) => !same(a[k], b[k]));
}

/** Added, removed and changed members of two lists keyed by `key`. */
function compare<T>(
  before: T[],
  after: T[],
  key: (t: T) => string,
  onChange: (a: T, b: T, name: string) => void,
  onAddRemove: (name: string, change: "added" | "removed") => void,
): void {
  const was = new Map(before.map((t) => [key(t), t]));
  const now = new Map(after.map((t) => [key(t), t]));
  for (const [name, t] of now) {
    const old = was.get(name);
    if (!old) onAddRemove(name, "added");
    else onChange(old, t, name);
  }
  for (const name of was.keys()) if (!now.has(name)) onAddRemove(name, "removed");
}

const storageName = (s: Category["storage"][number]) => `${s.name} (${s.type})`;

/** Every material difference between `before` and `after` (none: the fingerprint stays). */
export function materialChanges(before: SiteConfig, after: SiteConfig): MaterialReason[] {
  const reasons: MaterialReason[] = [];
  compare(
    before.categories,
    after.categories,
    (c) => c.id,
    (a, b, id) => {
      const fields = changedFields(
        { ...a, consentMode: [...a.consentMode].sort() },
        { ...b, consentMode: [...b.consentMode].sort() },
        ["required", "saleOrSharing", "consentMode"],
      );
      if (fields.length) reasons.push({ subject: "category", change: "changed", name: id, fields });
      compare(
        a.vendors,
        b.vendors,
        (v) => v.id,
        (va, vb, vid) => {
          const vf = changedFields(va, vb, ["name", "thirdParty", "retentionDays"]);
          if (vf.length) reasons.push({ subject: "vendor", change: "changed", name: `${id}/${vid}`, fields: vf });
        },
        (vid, change) => reasons.push({ subject: "vendor", change, name: `${id}/${vid}` }),
      );
      compare(
        a.storage,
        b.storage,
        storageName,
        (sa, sb, sname) => {
          const sf = changedFields(sa, sb, ["durationDays", "thirdParty"]);
          if (sf.length) reasons.push({ subject: "storage", change: "changed", name: `${id}/${sname}`, fields: sf });
        },
        (sname, change) => reasons.push({ subject: "storage", change, name: `${id}/${sname}` }),
      );
    },
    (id, change) => reasons.push({ subject: "category", change, name: id }),
  );
  compare(
    before.communications,
    after.communications,
    (l) => l.id,
    (a, b, id) => {
      if (a.kind !== b.kind) reasons.push({ subject: "list", change: "changed", name: id, fields: ["kind"] });
    },
    (id, change) => reasons.push({ subject: "list", change, name: id }),
  );
  const rules = (c: SiteConfig) => ({
    otherwise: c.regimes.otherwise,
    rules: c.regimes.rules.map((r) => ({ regime: r.regime, countries: [...(r.countries ?? [])].sort(), regions: [...(r.regions ?? [])].sort() })),
  });
  if (!same(rules(before), rules(after))) reasons.push({ subject: "regimes", change: "changed", name: "regimes" });
  if (before.policy.materialRevision !== after.policy.materialRevision)
    reasons.push({ subject: "revision", change: "changed", name: `materialRevision ${before.policy.materialRevision} → ${after.policy.materialRevision}` });
  return reasons;
}
