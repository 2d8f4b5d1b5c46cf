/**
 * The proof section of `npm run bench` (#13): what the proof ledger costs in storage, and how
 * fast its hash chain verifies. The figures of docs/proof.md's "Capacity" section come from here.
 *
 * - Real decisions: PROOF_DECISIONS decisions through the HTTP API of a local Worker (workerd,
 *   D1 on disk in a temporary directory), of every action, in three languages, then the
 *   per-minute cron links them into the chain; the rows are copied in SQL (new ids, the same
 *   sizes) up to PROOF_ROWS, so the database's growth is measured over many pages.
 * - D1 bytes per decision: the database file after the rows minus an empty one (migrations
 *   only), divided by the rows: the row, its indexes and its chain entry.
 * - D1 bytes per decision past the hot window: PROOF_ROWS rows of the slim index of archived
 *   rows (worker/proof/archive-store.ts) with the real rows' ids and times, over an empty database.
 * - Archived bytes per decision: the real decisions sealed as a segment (worker/proof/segments.ts,
 *   the bytes the sealing step puts in R2: JSON Lines, gzip).
 * - The chain walk from D1 (worker/proof/verify.ts, the Worker's own walk, here through
 *   Miniflare's D1 binding from Node), rows per second.
 * - 1,000,000 rows sealed: segments of SEAL_PART_ENTRIES lines built from the rows and their
 *   entries, checked (every digest and link, as the sealing step does before it writes) and
 *   gzipped, rows per second on one core (reading D1 and writing R2 are not in it: the D1 walk's
 *   rate above is the read side).
 * - 1,000,000 archived rows verified: each segment gunzipped, parsed and checked (every row's
 *   digest from its content and salt, every link), as any verifier of the archive must, rows per
 *   second on one core.
 *
 * Budget (a complexity bug, not a slow machine): sealing and verifying the archive must each run
 * at ≥ 20,000 rows a second, so a day of a site with 100 million decisions a month (3.3 million
 * rows) seals and verifies in under three minutes of one core each.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LocalAssent } from "../../local/index";
import { createLocalAssent } from "../../local/index";
import { type LedgerRow, proofFieldsOfRow } from "../../worker/consent/store/ledger";
import type { Env } from "../../worker/env";
import { GENESIS, linkHash, rowDigest } from "../../worker/proof/chain";
import { SEAL_PART_ENTRIES } from "../../worker/proof/seal";
import { type SegmentLine, checkSegment, decodeSegment, encodeSegment } from "../../worker/proof/segments";
import { d1ChainSource, verifyChain } from "../../worker/proof/verify";
import { type BenchSection, type BenchSettings, int, positiveNumber } from "./common";

const SITE = "bench-proof";
/** Rows per second a verifier must reach (see the module comment). */
export const VERIFY_ROWS_PER_SECOND_BUDGET = 20_000;
const VERIFY_ROWS = 1_000_000;

/** Bytes of every file under `dir`. */
function bytesUnder(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? bytesUnder(path) : statSync(path).size;
  }
  return total;
}

/** A local Worker with D1 on disk in `dir`, the bench site pushed, limits raised. */
async function localWorker(dir: string): Promise<LocalAssent> {
  const demo = (await import("../../examples/sites/demo.json", { with: { type: "json" } })).default as unknown as Record<string, unknown>;
  return createLocalAssent({ sites: [{ ...demo, id: SITE } as never], persist: dir, rateLimit: { limit: 1_000_000, period: 60 } });
}

/** Makes `n` decisions through the API, `parallel` at a time. */
async function decide(assent: LocalAssent, n: number, parallel: number): Promise<void> {
  const boots = await Promise.all(
    ["en", "de", "fr"].map(async (lang) => {
      const res = await fetch(new URL(`/v1/sites/${SITE}/bootstrap?lang=${lang}`, assent.url));
      const boot = (await res.json()) as { locale: string; textHash: string; policy: { fingerprint: string } };
      return boot;
    }),
  );
  const actions = [{ action: "accept_all" }, { action: "reject_all" }, { action: "custom", choices: { necessary: true, usage: true } }, { action: "custom", choices: { necessary: true, usage: false } }];
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < n; i = next++) {
      const boot = boots[i % boots.length]!;
      const res = await fetch(new URL(`/v1/sites/${SITE}/consents`, assent.url), {
        method: "POST",
        headers: { "Content-Type": "application/json", Origin: "http://127.0.0.1:8787", "Idempotency-Key": crypto.randomUUID(), "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0.0.0 Safari/537.36" },
        body: JSON.stringify({ ...actions[i % actions.length], policyFingerprint: boot.policy.fingerprint, locale: boot.locale, gpc: i % 10 === 0, widgetVersion: "bench-1.0.0", textHash: boot.textHash, surface: i % 3 ? "banner" : "preferences" }),
      });
      if (res.status !== 201) throw new Error(`a decision answered ${res.status}: ${await res.text()}`);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
}

export async function runProofBench(_settings?: BenchSettings): Promise<BenchSection> {
  const decisions = positiveNumber("PROOF_DECISIONS", 2000, true);
  const rows = Math.max(decisions, positiveNumber("PROOF_ROWS", 20_000, true));
  const failures: string[] = [];
  const overBudget: string[] = [];
  const work = mkdtempSync(join(tmpdir(), "assent-proof-bench-"));
  try {
    // An empty database: the migrations and the bench site, nothing else.
    const empty = await localWorker(join(work, "empty"));
    await empty.dispose();
    const emptyBytes = bytesUnder(join(work, "empty", "d1"));

    process.stderr.write(`  proof: ${int(decisions)} decisions through the API, copied to ${int(rows)} rows …\n`);
    const assent = await localWorker(join(work, "full"));
    let real: LedgerRow[] = [];
    let chain: { position: number; receipt_id: string; row_digest: string; hash: string; removed: string | null }[] = [];
    let walk = { seconds: 0, entries: 0, ok: false };
    try {
      await decide(assent, decisions, 20);
      await assent.runCron();
      const db = await assent.mf.getD1Database("LEDGER");
      real = (await db.prepare(`SELECT * FROM ledger WHERE site_id = ?1 ORDER BY seq`).bind(SITE).all<LedgerRow>()).results;
      chain = (await db.prepare(`SELECT * FROM ledger_chain WHERE site_id = ?1 ORDER BY position`).bind(SITE).all<(typeof chain)[number]>()).results;
      if (chain.length !== decisions) failures.push(`${chain.length} of ${decisions} decisions were linked by one cron run`);

      // The Worker's own walk over the real chain, through the D1 binding.
      const started = performance.now();
      const v = await verifyChain(d1ChainSource({ LEDGER: db } as unknown as Env, SITE));
      walk = { seconds: (performance.now() - started) / 1000, entries: v.checked, ok: v.ok };
      if (!v.ok) failures.push(`the chain of real decisions does not verify: ${v.broken?.detail}`);

      // Copies of the real rows and their entries (new ids and positions, the same sizes).
      for (let copied = decisions; copied < rows; copied += decisions) {
        const n = Math.min(decisions, rows - copied);
        await db.batch([
          db.prepare(
            `INSERT INTO ledger (receipt_id, site_id, visitor_id, idempotency_key, request_hash, recorded_at, action, surface, categories,
               policy_version, policy_last_updated, policy_fingerprint, text_hash, widget_version, locale, regime, jurisdiction, country,
               gpc, gpc_applied, ua_family, prev_receipt_id, expires_at, retain_until, sale_sharing_opt_out, targeted_ads_opt_out, consent_mode_mapping, salt)
             SELECT substr(receipt_id, 1, 20) || printf('%010d', ?2 + rn), site_id, visitor_id, idempotency_key || '-' || ?2, request_hash, recorded_at, action, surface, categories,
               policy_version, policy_last_updated, policy_fingerprint, text_hash, widget_version, locale, regime, jurisdiction, country,
               gpc, gpc_applied, ua_family, prev_receipt_id, expires_at, retain_until, sale_sharing_opt_out, targeted_ads_opt_out, consent_mode_mapping, salt
             FROM (SELECT *, row_number() OVER (ORDER BY seq) AS rn FROM ledger WHERE site_id = ?1 ORDER BY seq LIMIT ?3)`,
          ).bind(SITE, copied, n),
          db.prepare(
            `INSERT INTO ledger_chain (site_id, position, receipt_id, row_digest, hash, removed, removed_at, linked_at)
             SELECT site_id, position + ?2, substr(receipt_id, 1, 20) || printf('%010d', ?2 + position), row_digest, hash, removed, removed_at, linked_at
             FROM ledger_chain WHERE site_id = ?1 AND position <= ?3`,
          ).bind(SITE, copied, n),
        ]);
      }
    } finally {
      await assent.dispose();
    }
    const fullBytes = bytesUnder(join(work, "full", "d1"));
    const d1PerRow = (fullBytes - emptyBytes) / rows;

    // What a decision older than the hot window leaves in D1: its row of the slim index
    // (worker/proof/archive-store.ts), with the real rows' ids and times, in segments of 5,000.
    const archivedDb = await localWorker(join(work, "archived"));
    try {
      const db = await archivedDb.mf.getD1Database("LEDGER");
      for (let done = 0; done < rows; done += 1000) {
        const page = Array.from({ length: Math.min(1000, rows - done) }, (_, i) => {
          const r = real[(done + i) % real.length]!;
          return [done + i + 1, r.visitor_id, `${r.receipt_id.slice(0, 20)}${String(done + i).padStart(10, "0")}`, Date.parse(r.recorded_at), Math.floor(Date.parse(r.retain_until) / 1000), Math.floor((done + i) / SEAL_PART_ENTRIES) * SEAL_PART_ENTRIES + 1];
        });
        await db
          .prepare(
            `INSERT INTO ledger_archived (seq, site_id, visitor_id, receipt_id, recorded_ms, retain_s, seal_position, hot)
             SELECT value ->> 0, ?1, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, 0 FROM json_each(?2)`,
          )
          .bind(SITE, JSON.stringify(page))
          .run();
      }
    } finally {
      await archivedDb.dispose();
    }
    const indexPerRow = (bytesUnder(join(work, "archived", "d1")) - emptyBytes) / rows;

    // The real decisions sealed as one segment: the bytes R2 holds per decision.
    const byReceipt = new Map(real.map((r) => [r.receipt_id, r]));
    const realLines: SegmentLine[] = chain.map((e) => ({ position: e.position, rowDigest: e.row_digest, hash: e.hash, row: byReceipt.get(e.receipt_id)! }));
    const archivedPerRow = (await encodeSegment(realLines)).length / realLines.length;
    const jsonPerRow = Buffer.byteLength(realLines.map((l) => JSON.stringify(l)).join("\n")) / realLines.length;

    // 1,000,000 rows sealed, then verified from the archive. The rows cycle over the real ones
    // (their digests are computed once: the chaining step stored them); every link is its own.
    const digests = real.map((r) => rowDigest(r.salt!, proofFieldsOfRow(r)));
    let sealSeconds = 0;
    let verifySeconds = 0;
    let sealedBytes = 0;
    let prevHash = GENESIS;
    for (let first = 1; first <= VERIFY_ROWS; first += SEAL_PART_ENTRIES) {
      const lines: SegmentLine[] = [];
      let hash = prevHash;
      for (let position = first; position < first + SEAL_PART_ENTRIES && position <= VERIFY_ROWS; position++) {
        const k = position % real.length;
        hash = linkHash(hash, digests[k]!);
        lines.push({ position, rowDigest: digests[k]!, hash, row: real[k]! });
      }
      const claims = { entries: lines.length, first, last: first + lines.length - 1, prevHash, headHash: hash };
      let started = performance.now();
      if (checkSegment(lines, claims, proofFieldsOfRow)) failures.push(`segment ${first} did not hold while sealing`);
      const bytes = await encodeSegment(lines);
      sealSeconds += (performance.now() - started) / 1000;
      sealedBytes += bytes.length;
      started = performance.now();
      if (checkSegment(await decodeSegment(bytes), claims, proofFieldsOfRow)) failures.push(`segment ${first} did not hold when verified`);
      verifySeconds += (performance.now() - started) / 1000;
      prevHash = hash;
    }
    const sealRate = VERIFY_ROWS / sealSeconds;
    const verifyRate = VERIFY_ROWS / verifySeconds;
    if (verifyRate < VERIFY_ROWS_PER_SECOND_BUDGET)
      overBudget.push(`verifying the archive ran at ${int(verifyRate)} rows/s, under the budget of ${int(VERIFY_ROWS_PER_SECOND_BUDGET)}`);
    if (sealRate < VERIFY_ROWS_PER_SECOND_BUDGET)
      overBudget.push(`sealing ran at ${int(sealRate)} rows/s, under the budget of ${int(VERIFY_ROWS_PER_SECOND_BUDGET)}`);

    const perGb = 1e9 / d1PerRow;
    return {
      name: "proof",
      title: "Proof ledger: storage per decision and verification speed (#13)",
      intro: [
        `${int(decisions)} decisions through the API of a local Worker (D1 on disk), linked by the cron, copied in SQL to ${int(rows)} rows;`,
        `${int(VERIFY_ROWS)} rows sealed into segments of ${int(SEAL_PART_ENTRIES)} and verified from them, on one core (SHA-256 of salt and content, then of the link).`,
      ],
      table: {
        head: ["measure", "value"],
        rows: [
          ["D1 bytes per decision (row, indexes, chain entry)", int(d1PerRow)],
          ["D1 bytes per decision past the hot window (its index row)", int(indexPerRow)],
          ["decisions per GB of D1", int(perGb)],
          ["decisions in one 10 GB D1 database", int(perGb * 10)],
          ["archived bytes per decision (JSON Lines, gzip)", int(archivedPerRow)],
          ["… uncompressed JSON per decision", int(jsonPerRow)],
          ["chain walk from D1, rows/s (the Worker's walk)", int(walk.entries / walk.seconds)],
          [`seal ${int(VERIFY_ROWS)} rows (check, JSON Lines, gzip), rows/s`, int(sealRate)],
          [`verify ${int(VERIFY_ROWS)} archived rows (gunzip, digests, links), rows/s`, int(verifyRate)],
          [`R2 bytes of ${int(VERIFY_ROWS)} sealed rows`, int(sealedBytes)],
        ],
      },
      notes: [
        `Sealed ${int(VERIFY_ROWS)} rows in ${sealSeconds.toFixed(1)} s and verified them from the archive in ${verifySeconds.toFixed(1)} s (budget ≥ ${int(VERIFY_ROWS_PER_SECOND_BUDGET)} rows/s each); the D1 walk checked ${int(walk.entries)} entries in ${walk.seconds.toFixed(2)} s.`,
        `R2 storage at $0.015 per GB-month: ${(((archivedPerRow * 1e6) / 1e9) * 0.015).toFixed(4)} $ per million decisions kept a month.`,
      ],
      failures,
      overBudget,
      raw: { decisions, rows, emptyBytes, fullBytes, d1PerRow, indexPerRow, archivedPerRow, jsonPerRow, walk, verifyRows: VERIFY_ROWS, sealSeconds, sealRate, sealedBytes, verifySeconds, verifyRate },
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
