declare namespace Cloudflare {
  interface Env {
    PREFS: KVNamespace;
    SITES: KVNamespace;
    LEDGER: D1Database;
    WRITE_LIMIT: RateLimit;
    ADMIN_LIMIT: RateLimit;
    AUTH_FAIL_LIMIT: RateLimit;
    UNSUBSCRIBE_KEYS?: string;
    SITE_SECRET_KEY?: string;
    TOKEN_KEY_CURRENT: string;
    TOKEN_KEY_PREVIOUS?: string;
    SITE_CACHE_SECONDS?: string;
    EMAIL_HASH_KEY?: string;
    MAIL_PROVIDER?: string;
    DEV_MODE?: string;
    TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
  }
  interface GlobalProps {
    mainModule: typeof import("../../worker/index");
  }
}
