/**
 * The difference between two configuration documents, as the list of places where they
 * differ: a path (`texts.en.banner.title`, `categories.2`) with the value before and after
 * (undefined: not there). Lists are compared position by position; a whole entry added or
 * removed is one line, not one per field.
 */

/** One difference. */
export interface DiffLine {
  path: string;
  before: unknown;
  after: unknown;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Where `a` and `b` differ (empty when equal). */
export function diff(a: unknown, b: unknown, path: string[] = []): DiffLine[] {
  if (Array.isArray(a) && Array.isArray(b)) {
    const out: DiffLine[] = [];
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      if (i >= a.length) out.push({ path: [...path, String(i)].join("."), before: undefined, after: b[i] });
      else if (i >= b.length) out.push({ path: [...path, String(i)].join("."), before: a[i], after: undefined });
      else out.push(...diff(a[i], b[i], [...path, String(i)]));
    }
    return out;
  }
  if (isObj(a) && isObj(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => {
      if (!(k in a)) return [{ path: [...path, k].join("."), before: undefined, after: b[k] }];
      if (!(k in b)) return [{ path: [...path, k].join("."), before: a[k], after: undefined }];
      return diff(a[k], b[k], [...path, k]);
    });
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [{ path: path.join(".") || "(whole document)", before: a, after: b }];
}

/** A value as one short line of JSON for the diff table. */
export function show(value: unknown): string {
  if (value === undefined) return "—";
  const text = JSON.stringify(value);
  return text.length > 160 ? `${text.slice(0, 157)}…` : text;
}
