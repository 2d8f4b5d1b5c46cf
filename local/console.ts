/**
 * The console's way in for a local Assent (local/index.ts): a role on a site and a one-time
 * sign-in link, written to the Worker's D1 as `npm run sites -- console-grant|console-link`
 * write them (scripts/console-cli.ts) and as the Worker reads them (worker/console/store.ts):
 * the link's token is returned once, only its SHA-256 is stored, and it works once within ten
 * minutes. And a pushed config recorded as a version of its site, as the CLI's `push` does.
 */
import { createHash, randomBytes } from "node:crypto";
import { policyFingerprint } from "../worker/consent/fingerprint";
import { ConsoleEmail, type ConsoleRole, type SiteConfig } from "../worker/contract";
import { canonicalJson } from "../worker/lib/canonical-json";
import type { LocalD1 } from "./d1";

const LINK_TTL_MS = 10 * 60_000;

export function consoleAccess(db: LocalD1, origin: string) {
  return {
    async grantConsole(siteId: string, email: string, role: ConsoleRole): Promise<void> {
      const address = ConsoleEmail.parse(email);
      const now = new Date().toISOString();
      // The audit row's fingerprints are the console's (worker/console/fingerprint.ts).
      const fp = (r: string) => createHash("sha256").update(canonicalJson({ siteId, email: address, role: r })).digest("hex");
      const before = await db.prepare(`SELECT role FROM console_members WHERE site_id = ?1 AND email = ?2`).bind(siteId, address).first<{ role: string }>();
      if (before?.role === role) return;
      await db.batch([
        db
          .prepare(
            `INSERT INTO console_members (site_id, email, role, added_at, added_by) VALUES (?1, ?2, ?3, ?4, 'cli')
             ON CONFLICT (site_id, email) DO UPDATE SET role = excluded.role`,
          )
          .bind(siteId, address, role, now),
        db
          .prepare(`INSERT INTO console_audit (site_id, actor, action, target, before_fp, after_fp, at) VALUES (?1, 'cli', 'member.grant', ?2, ?3, ?4, ?5)`)
          .bind(siteId, address, before ? fp(before.role) : null, fp(role), now),
      ]);
    },
    async consoleLink(email: string): Promise<string> {
      const address = ConsoleEmail.parse(email);
      const token = randomBytes(32).toString("base64url");
      const now = Date.now();
      await db
        .prepare(`INSERT INTO console_links (token_hash, email, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)`)
        .bind(createHash("sha256").update(token).digest("hex"), address, new Date(now).toISOString(), new Date(now + LINK_TTL_MS).toISOString())
        .run();
      return `${origin}/console/sign-in?token=${token}`;
    },
  };
}

/** Records `config` as the next version of its site, unless the latest version is this document. */
export async function recordVersion(db: LocalD1, config: SiteConfig): Promise<void> {
  const hash = createHash("sha256").update(canonicalJson(config)).digest("hex");
  await db
    .prepare(
      `INSERT INTO site_versions (site_id, version, config, config_hash, fingerprint, published_by, published_at, source)
       SELECT ?1, COALESCE(MAX(version), 0) + 1, ?2, ?3, ?4, 'cli', ?5, 'cli' FROM site_versions WHERE site_id = ?1
       HAVING (SELECT config_hash FROM site_versions WHERE site_id = ?1 ORDER BY version DESC LIMIT 1) IS NOT ?3`,
    )
    .bind(config.id, JSON.stringify(config), hash, await policyFingerprint(config), new Date().toISOString())
    .run();
}
