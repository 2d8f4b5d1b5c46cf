/**
 * Per-site secrets a site owner's servers share with Assent: the key that signs subject ids for
 * `assent.identify()` and the keys that sign webhook deliveries.
 *
 * They are derived, not stored: `HMAC-SHA256(SITE_SECRET_KEY, "assent/<purpose>/<siteId>")`,
 * base64url, with a `whsec_`/`idsec_` style prefix added by the caller. So a leak of the D1
 * database or of KV reveals none of them, the only secret to keep is the Wrangler secret
 * `SITE_SECRET_KEY`, and no site's secret tells anything about another's (HMAC is a PRF). A
 * per-endpoint or per-generation part in `purpose` lets one secret be replaced without touching
 * the others. Rotating `SITE_SECRET_KEY` itself replaces every derived secret at once.
 */
import type { Env } from "../env";
import { secretHmac } from "./hmac";

/**
 * The secret for one purpose of one site, e.g. `deriveSiteSecret(env, "demo", "identity")` or
 * `deriveSiteSecret(env, "demo", "webhook/wh_…")`: 32 bytes, base64url (43 characters).
 */
export function deriveSiteSecret(env: Env, siteId: string, purpose: string): Promise<string> {
  return secretHmac("SITE_SECRET_KEY", env.SITE_SECRET_KEY, `assent/${purpose}/${siteId}`);
}
