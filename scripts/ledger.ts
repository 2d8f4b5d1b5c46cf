/**
 * `npm run ledger`: checks the proof ledger's hash chain of a site, as an auditor would, from the
 * stores `npm start` or a deployed Worker use (through wrangler, like `npm run sites`):
 *
 *   npm run ledger -- verify --site <id> [--remote] [--persist-to <dir>]
 *
 * Walks the site's chain from its first entry (worker/proof/verify.ts: the same walk the Worker
 * makes) and prints what it checked, or the first position where the chain does not hold and
 * why. Exit codes: 0 the chain holds (entries the chaining step has not linked yet are counted as
 * pending), 1 it is broken, 2 usage.
 */
import { fileURLToPath } from "node:url";
import { SiteId } from "../worker/contract";
import type { LedgerRow } from "../worker/consent/store/ledger";
import { proofFieldsOfRow } from "../worker/consent/store/ledger";
import type { ChainEntry } from "../worker/proof/store";
import { type ChainSource, verifyChain } from "../worker/proof/verify";
import { CliError, exitCodeOf } from "./cli-error";
import { type StoreTarget, execute, where } from "./wrangler-store";

const USAGE = `Usage:
  npm run ledger -- verify --site <id> [--remote] [--persist-to <dir>]`;

/** A chain entry joined with its row (null columns when the row is gone). */
type JoinedRow = Partial<LedgerRow> & { chain_position: number; chain_receipt_id: string; chain_digest: string; chain_hash: string; chain_removed: ChainEntry["removed"] };

/** The site's chain as wrangler reads it: one joined query per page of entries. */
function wranglerSource(siteId: string, target: StoreTarget): ChainSource {
  const rows = new Map<string, LedgerRow>();
  let progress: number | undefined;
  const lastLinked = () =>
    (progress ??= (execute(`SELECT last_seq FROM ledger_chain_progress WHERE id = 1`, target) as { last_seq: number }[])[0]?.last_seq ?? 0);
  return {
    async entries(position, limit) {
      const page = execute(
        `SELECT c.position AS chain_position, c.receipt_id AS chain_receipt_id, c.row_digest AS chain_digest, c.hash AS chain_hash, c.removed AS chain_removed, l.*
         FROM ledger_chain c LEFT JOIN ledger l ON l.receipt_id = c.receipt_id AND l.site_id = c.site_id
         WHERE c.site_id = '${siteId}' AND c.position > ${Math.floor(position)} ORDER BY c.position LIMIT ${Math.floor(limit)}`,
        target,
      ) as JoinedRow[];
      rows.clear();
      for (const r of page) if (r.seq != null) rows.set(r.chain_receipt_id, r as LedgerRow);
      return page.map((r) => ({ position: r.chain_position, receiptId: r.chain_receipt_id, rowDigest: r.chain_digest, hash: r.chain_hash, removed: r.chain_removed }));
    },
    async rows(ids) {
      return new Map(ids.flatMap((id) => (rows.has(id) ? [[id, { salt: rows.get(id)!.salt, fields: proofFieldsOfRow(rows.get(id)!) }] as const] : [])));
    },
    async unchained(limit) {
      const found = execute(
        `SELECT l.receipt_id FROM ledger l LEFT JOIN ledger_chain c ON c.receipt_id = l.receipt_id
         WHERE l.site_id = '${siteId}' AND l.seq <= ${lastLinked()} AND c.receipt_id IS NULL ORDER BY l.seq LIMIT ${Math.floor(limit)}`,
        target,
      ) as { receipt_id: string }[];
      return found.map((r) => r.receipt_id);
    },
    async notLinked() {
      const [row] = execute(`SELECT COUNT(*) AS n FROM ledger WHERE site_id = '${siteId}' AND seq > ${lastLinked()}`, target) as { n: number }[];
      return row?.n ?? 0;
    },
  };
}

/** Runs the CLI with argv (without node and script); resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  try {
    const [command, ...rest] = argv;
    const site = rest[rest.indexOf("--site") + 1];
    const persistAt = rest.indexOf("--persist-to");
    const persistTo = persistAt >= 0 ? rest[persistAt + 1] : undefined;
    const known = (a: string, i: number) => ["--remote", "--site", "--persist-to"].includes(a) || ["--site", "--persist-to"].includes(rest[i - 1] ?? "");
    if (command !== "verify" || !rest.includes("--site") || !site || (persistAt >= 0 && !persistTo) || !rest.every(known)) throw new CliError(USAGE, 2);
    if (!SiteId.safeParse(site).success) throw new CliError(`"${site}" is not a valid site id (1–48 of a-z, 0-9 and '-').`, 2);
    const target: StoreTarget = { remote: rest.includes("--remote"), ...(persistTo ? { persistTo } : {}) };
    const v = await verifyChain(wranglerSource(site, target));
    const counts = `${v.checked} entries checked: ${v.linked} linked, ${v.pending} not linked yet, ${v.removed} removed by erasure or retention`;
    if (!v.ok) {
      console.error(`The proof chain of site "${site}" (${where(target)} database) is BROKEN at position ${v.broken!.position}: ${v.broken!.detail}.\n${counts} before it.`);
      return 1;
    }
    if (v.checked === 0 && v.pending === 0) console.log(`Site "${site}" has no proof chain in the ${where(target)} database yet (no decision recorded).`);
    else console.log(`The proof chain of site "${site}" (${where(target)} database) holds: ${counts}.\nHead: ${v.head}`);
    return 0;
  } catch (err) {
    return exitCodeOf(err);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exit(await main(process.argv.slice(2)));
