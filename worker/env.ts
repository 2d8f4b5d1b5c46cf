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
  /** Rate limiter for the site owner API, per API key. */
  ADMIN_LIMIT: RateLimit;
  /** Rate limiter for failed API-key attempts, per client network. */
  AUTH_FAIL_LIMIT: RateLimit;
  /** Static assets (widget, demo site). Absent in unit tests. */
  ASSETS?: Fetcher;
  /** Signing key in use, as `kid:base64url-secret` (Wrangler secret). */
  TOKEN_KEY_CURRENT: string;
  /** The key before the last rotation, still accepted for verification (optional secret). */
  TOKEN_KEY_PREVIOUS?: string;
  /**
   * Keys of the one-click unsubscribe links, `kid:secret,…` newest first; every one verifies
   * (worker/email/unsubscribe-links.ts). Optional Wrangler secret: unset, a key derived from
   * EMAIL_HASH_KEY signs.
   */
  UNSUBSCRIBE_KEYS?: string;
  /** Key for the keyed hashes of email addresses (suppression list, events). Wrangler secret. */
  EMAIL_HASH_KEY?: string;
  /** "outbox" (default: messages stored in D1, shown at /dev/outbox) or "postmark". */
  MAIL_PROVIDER?: string;
  /** Postmark server token, when MAIL_PROVIDER is "postmark" (Wrangler secret). */
  POSTMARK_SERVER_TOKEN?: string;
  /** Postmark API base URL; tests point it at a local fake. Default https://api.postmarkapp.com. */
  POSTMARK_API_URL?: string;
  /**
   * Master key the per-site secrets are derived from (identity signing, webhook signing), see
   * worker/site-secrets.ts. Wrangler secret.
   */
  SITE_SECRET_KEY?: string;
  /** Turnstile secret key for signup protection (Wrangler secret); sites opt in by config. */
  TURNSTILE_SECRET_KEY?: string;
  /** Turnstile siteverify URL; tests point it at a local fake. Default Cloudflare's. */
  TURNSTILE_VERIFY_URL?: string;
  /** "true" only in local development: enables /dev/outbox. Never set in production. */
  DEV_MODE?: string;
  /** Seconds a site config is memoized in the isolate; "0" disables it (tests). */
  SITE_CACHE_SECONDS?: string;
}

/** Hono's generic for this app. */
export interface AppEnv {
  Bindings: Env;
}
