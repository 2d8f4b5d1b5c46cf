/**
 * The type of Miniflare's D1 binding, on its own so that the modules beside local/index.ts that
 * take a database (./console.ts) need not import the module that imports them.
 */
import type { Miniflare } from "miniflare";

/** Miniflare's D1 binding. */
export type LocalD1 = Awaited<ReturnType<Miniflare["getD1Database"]>>;
