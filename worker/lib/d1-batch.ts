/**
 * D1 batches with named parts. A batch is one round trip and one transaction; reading its
 * results by position (`results[4]`) breaks silently when a statement is added. Here each part
 * has a name, the parts run in the order they are given, and the results come back by name.
 */
import { storage } from "./errors";

/** One named part of a batch: its name and its statements, run in the order given. */
export type BatchPart<K extends string> = [K, D1PreparedStatement[]];

/** The results of a named batch, and the summed change counts of a part. */
export interface NamedResults<K extends string> {
  results: Record<K, D1Result[]>;
  /** Rows changed by all statements of part `name`. */
  changes(name: K): number;
  /** The rows the first statement of part `name` returned. */
  rows<T>(name: K): T[];
}

/** Runs the parts as one batch (StorageError on failure, as `storage()` does). */
export async function runNamedBatch<K extends string>(db: D1Database, operation: string, parts: BatchPart<K>[]): Promise<NamedResults<K>> {
  const flat = parts.flatMap(([, statements]) => statements);
  const all = flat.length > 0 ? await storage(operation, () => db.batch(flat)) : [];
  const results = {} as Record<K, D1Result[]>;
  let at = 0;
  for (const [name, statements] of parts) {
    results[name] = [...(results[name] ?? []), ...all.slice(at, at + statements.length)];
    at += statements.length;
  }
  return {
    results,
    changes: (name) => (results[name] ?? []).reduce((sum, r) => sum + (r.meta.changes ?? 0), 0),
    rows: <T,>(name: K) => ((results[name]?.[0]?.results ?? []) as T[]),
  };
}
