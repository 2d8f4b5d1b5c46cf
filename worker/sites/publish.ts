/**
 * Publishing a site configuration from the console: validate with the contract's SiteConfig
 * (the schema `npm run sites -- validate` uses: one code path), record the version and its
 * audit row in one D1 transaction, then write SITES.
 *
 * Order and failure: D1 first, because it decides (the version number, and whether the
 * publisher started from the latest version: 409 `version_conflict` otherwise); then KV. If
 * the KV write fails, the version row is removed again, a `config.publish_failed` audit row
 * says so, and the answer is 503 with Retry-After: nothing is live that is not recorded, and
 * nothing recorded as published that is not live.
 */
import { policyFingerprint } from "../consent/fingerprint";
import { type MaterialReason, materialChanges } from "../consent/material-change";
import { SiteConfig } from "../contract";
import type { Env } from "../env";
import { canonicalJson } from "../lib/canonical-json";
import { runNamedBatch } from "../lib/d1-batch";
import { ApiError, StorageError, invalidBody, storage } from "../lib/errors";
import { sha256Hex } from "../lib/sha256";
import { putSite } from "./store";
import { type VersionSource, insertVersionStatement, removeVersion } from "./versions";

/** The hash versions are compared by: SHA-256 of the normalized document's canonical JSON. */
export const configHash = (config: SiteConfig): Promise<string> => sha256Hex(canonicalJson(config));

/** A draft checked against the live config: valid, and what publishing it would change. */
export interface DraftCheck {
  config: SiteConfig;
  configHash: string;
  fingerprint: string;
  /** Whether the fingerprint changes (every visitor is asked again), and why. */
  material: { changes: boolean; reasons: MaterialReason[] };
  /** Whether the document differs from the live one at all. */
  changed: boolean;
}

/**
 * Validates `raw` as the config of `siteId` (422 `invalid_config` listing every problem at its
 * path; the id must be the site's) and compares it with `live` (null for a new site).
 */
export async function checkDraft(siteId: string, raw: unknown, live: SiteConfig | null): Promise<DraftCheck> {
  const parsed = SiteConfig.safeParse(raw);
  if (!parsed.success) throw invalidBody(parsed.error, "invalid_config");
  const config = parsed.data;
  if (config.id !== siteId)
    throw new ApiError(422, "invalid_config", "The configuration is for another site", {
      detail: `id: this is site "${siteId}"; the id cannot be changed here.`,
      errors: [{ path: "id", message: `must be "${siteId}"` }],
    });
  const fingerprint = await policyFingerprint(config);
  const hash = await configHash(config);
  const reasons = live ? materialChanges(live, config) : [];
  const liveFingerprint = live ? await policyFingerprint(live) : null;
  return {
    config,
    configHash: hash,
    fingerprint,
    material: { changes: live !== null && liveFingerprint !== fingerprint, reasons },
    changed: live === null || (await configHash(live)) !== hash,
  };
}

/** Who publishes, and from what. */
export interface PublishInput {
  draft: DraftCheck;
  by: string;
  source: VersionSource;
  restoredFrom?: number;
  /** Hash of the latest version the publisher loaded (null: the site had none). */
  basedOn: string | null;
  /** The audit row's action and the fingerprint (config hash) before. */
  action: string;
  beforeHash: string | null;
}

/** Records and writes a checked draft; returns the new version's number. */
export async function publish(env: Env, input: PublishInput, now = new Date()): Promise<number> {
  const { draft } = input;
  const siteId = draft.config.id;
  const at = now.toISOString();
  const r = await runNamedBatch(env.LEDGER, "site version write", [
    [
      "version",
      [
        insertVersionStatement(
          env,
          {
            siteId,
            config: draft.config,
            configHash: draft.configHash,
            fingerprint: draft.fingerprint,
            publishedBy: input.by,
            source: input.source,
            restoredFrom: input.restoredFrom ?? null,
            basedOn: input.basedOn,
          },
          at,
        ),
      ],
    ],
    [
      "audit",
      [
        env.LEDGER.prepare(
          `INSERT INTO console_audit (site_id, actor, action, target, before_fp, after_fp, at)
           SELECT ?1, ?2, ?3, 'v' || (SELECT MAX(version) FROM site_versions WHERE site_id = ?1), ?4, ?5, ?6 WHERE changes() > 0`,
        ).bind(siteId, input.by, input.action, input.beforeHash, draft.configHash, at),
      ],
    ],
  ]);
  const version = r.rows<{ version: number }>("version")[0]?.version;
  if (version === undefined)
    throw new ApiError(409, "version_conflict", "Someone published a newer version meanwhile", {
      detail: "Reload the configuration, make your change again on top of it, and publish.",
    });
  try {
    await putSite(env, draft.config);
  } catch (err) {
    await removeVersion(env, siteId, version);
    await storage("console audit write", () =>
      env.LEDGER.prepare(`INSERT INTO console_audit (site_id, actor, action, target, before_fp, after_fp, at) VALUES (?1, ?2, 'config.publish_failed', ?3, ?4, ?5, ?6)`)
        .bind(siteId, input.by, `v${version}`, input.beforeHash, draft.configHash, new Date().toISOString())
        .run(),
    );
    throw new StorageError("site config write", err);
  }
  return version;
}
