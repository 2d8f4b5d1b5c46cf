/**
 * Published versions of site configurations in D1 (migrations/0009_site_versions.sql): every
 * query about them is here. A version number is taken inside the INSERT (the latest plus one),
 * and the INSERT only happens when the latest version's hash is the one the publisher started
 * from, so two people publishing at once cannot both win, and neither silently overwrites the
 * other's change.
 */
import type { Env } from "../env";
import { storage } from "../lib/errors";

/** How a version came to be. */
export type VersionSource = "console" | "rollback" | "cli" | "create";

/** A version without its document, as listed. */
export interface SiteVersionSummary {
  version: number;
  configHash: string;
  fingerprint: string;
  publishedBy: string;
  publishedAt: string;
  source: VersionSource;
  restoredFrom: number | null;
}

/** A version with its document. */
export interface SiteVersion extends SiteVersionSummary {
  config: unknown;
}

interface Row {
  version: number;
  config_hash: string;
  fingerprint: string;
  published_by: string;
  published_at: string;
  source: VersionSource;
  restored_from: number | null;
  config?: string;
}

const summary = (r: Row): SiteVersionSummary => ({
  version: r.version,
  configHash: r.config_hash,
  fingerprint: r.fingerprint,
  publishedBy: r.published_by,
  publishedAt: r.published_at,
  source: r.source,
  restoredFrom: r.restored_from,
});

const COLUMNS = "version, config_hash, fingerprint, published_by, published_at, source, restored_from";

/** A site's versions, newest first (at most `limit`). */
export async function listVersions(env: Env, siteId: string, limit = 200): Promise<SiteVersionSummary[]> {
  const { results } = await storage("site versions read", () =>
    env.LEDGER.prepare(`SELECT ${COLUMNS} FROM site_versions WHERE site_id = ?1 ORDER BY version DESC LIMIT ?2`).bind(siteId, limit).all<Row>(),
  );
  return results.map(summary);
}

/** One version with its document, or null. */
export async function getVersion(env: Env, siteId: string, version: number): Promise<SiteVersion | null> {
  const row = await storage("site versions read", () =>
    env.LEDGER.prepare(`SELECT ${COLUMNS}, config FROM site_versions WHERE site_id = ?1 AND version = ?2`).bind(siteId, version).first<Row>(),
  );
  return row ? { ...summary(row), config: JSON.parse(row.config!) as unknown } : null;
}

/** The latest version's number and hash, or null when the site has none. */
export async function latestVersion(env: Env, siteId: string): Promise<{ version: number; configHash: string } | null> {
  const row = await storage("site versions read", () =>
    env.LEDGER.prepare(`SELECT version, config_hash FROM site_versions WHERE site_id = ?1 ORDER BY version DESC LIMIT 1`).bind(siteId).first<Row>(),
  );
  return row ? { version: row.version, configHash: row.config_hash } : null;
}

/** What a publish records. */
export interface NewVersion {
  siteId: string;
  config: unknown;
  configHash: string;
  fingerprint: string;
  publishedBy: string;
  source: VersionSource;
  restoredFrom: number | null;
  /** The hash of the latest version the publisher started from; null: the site has none yet. */
  basedOn: string | null;
}

/**
 * The INSERT of a new version, guarded as the module comment says; it changes nothing (and
 * returns no row) when the latest version is not `basedOn`. RETURNING gives the number taken.
 */
export function insertVersionStatement(env: Env, v: NewVersion, at: string): D1PreparedStatement {
  return env.LEDGER.prepare(
    `INSERT INTO site_versions (site_id, version, config, config_hash, fingerprint, published_by, published_at, source, restored_from)
     SELECT ?1, COALESCE(MAX(version), 0) + 1, ?2, ?3, ?4, ?5, ?6, ?7, ?8 FROM site_versions WHERE site_id = ?1
     HAVING (SELECT config_hash FROM site_versions WHERE site_id = ?1 ORDER BY version DESC LIMIT 1) IS ?9
     RETURNING version`,
  ).bind(v.siteId, JSON.stringify(v.config), v.configHash, v.fingerprint, v.publishedBy, at, v.source, v.restoredFrom, v.basedOn);
}

/** Removes a version whose publish did not reach SITES (see publish.ts). */
export async function removeVersion(env: Env, siteId: string, version: number): Promise<void> {
  await storage("site version removal", () => env.LEDGER.prepare(`DELETE FROM site_versions WHERE site_id = ?1 AND version = ?2`).bind(siteId, version).run());
}
