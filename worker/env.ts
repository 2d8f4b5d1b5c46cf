/** The Worker's bindings, as declared in wrangler.toml and set as Wrangler secrets. */
export interface Env {
  /** Per-visitor current state: `pref:v1:{siteId}:{visitorId}`. */
  PREFS: KVNamespace;
  /** Site configurations: `site:v1:{siteId}`. */
  SITES: KVNamespace;
  /** Append-only proof of every decision. */
  LEDGER: D1Database;
  /** Rate limiter for write endpoints. */
  WRITE_LIMIT: RateLimit;
  /** Static assets (widget, demo site). Absent in unit tests. */
  ASSETS?: Fetcher;
  /** Signing key in use, as `kid:base64url-secret` (Wrangler secret). */
  TOKEN_KEY_CURRENT: string;
  /** The key before the last rotation, still accepted for verification (optional secret). */
  TOKEN_KEY_PREVIOUS?: string;
  /** Seconds a site config is memoized in the isolate; "0" disables it (tests). */
  SITE_CACHE_SECONDS?: string;
}

/** Hono's generic for this app. */
export interface AppEnv {
  Bindings: Env;
}
