/**
 * `npm run ledger`: checks the proof ledger as an auditor would, from the stores `npm start` or a
 * deployed Worker use (scripts/cli-store.ts, like `npm run sites`):
 *
 *   npm run ledger -- verify --site <id> [--from <yyyy-mm-dd>] [--to <yyyy-mm-dd>] [--jwks <file|url>] [--api <origin>] [--remote] [--persist-to <dir>]
 *   npm run ledger -- verify-receipt <jws> [--jwks <file|url>] [--api <origin>] [--in-chain [--remote] [--persist-to <dir>]]
 *
 * `verify` walks the site's chain from its first entry (worker/proof/verify.ts: the same walk the
 * Worker makes), then its sealed segments in the archive (worker/proof/verify-seals.ts: each
 * manifest's signature with the site's JWK Set, fetched from `--api` or read from `--jwks`, and
 * every line of every segment), and prints what it checked, or the first position where the chain
 * or the archive does not hold and why. With `--from`/`--to` it checks only the segments sealed
 * for those days, each against its signed manifest and the one before it (an audit of a period
 * from the archive; the chain in D1 is not walked).
 *
 * `verify-receipt` checks a signed receipt (worker/proof/receipts.ts) against its site's JWK Set:
 * fetched from the Worker (`--api`, default the local one `npm start` runs) or read from a file
 * or URL (`--jwks`), so it works offline with a saved set. With `--in-chain` it also looks the
 * receipt up in the ledger: its row, if still there, must still have the digest it was signed
 * with, and the chain entry holding that digest is named (or the row is not linked yet).
 *
 * Exit codes: 0 holds (chain entries the chaining step has not linked yet count as pending),
 * 1 broken or refused, 2 usage.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { JSONWebKeySet } from "jose";
import { ReceiptClaims, SiteId } from "../worker/contract";
import type { LedgerRow } from "../worker/consent/store/ledger";
import { proofFieldsOfRow } from "../worker/consent/store/ledger";
import { ARCHIVED_ENTRIES_SQL, toArchivedEntry } from "../worker/proof/archive-store";
import { type ChainEntry, type ChainRow, type SealRow, toEntry } from "../worker/proof/store";
import { type SealSource, type SealWalk, verifySeals } from "../worker/proof/verify-seals";
import { type SegmentLine, decodeSegment, digestOfRow } from "../worker/proof/segments";
import { verifyReceipt } from "../worker/proof/receipts";
import { type ChainSource, verifyChain } from "../worker/proof/verify";
import { CliError, exitCodeOf } from "./cli-error";
import { type StoreTarget, archiveObject, closeStores, execute, where } from "./cli-store";

const USAGE = `Usage:
  npm run ledger -- verify --site <id> [--from <yyyy-mm-dd>] [--to <yyyy-mm-dd>] [--jwks <file|url>] [--api <origin>] [--remote] [--persist-to <dir>]
  npm run ledger -- verify-receipt <jws> [--jwks <file|url>] [--api <origin>] [--in-chain [--remote] [--persist-to <dir>]]`;

/** Where \`npm start\` serves the Worker: the default \`--api\`. */
const LOCAL_API = "http://127.0.0.1:8787";

/** A chain entry joined with its row (null columns when the row is gone). */
type JoinedRow = Partial<LedgerRow> & { chain_position: number; chain_receipt_id: string; chain_digest: string; chain_hash: string; chain_removed: ChainEntry["removed"] };

/** The site's chain as the store reads it: one joined query per page of entries. */
function storeSource(siteId: string, target: StoreTarget): ChainSource {
  const rows = new Map<string, LedgerRow>();
  // One query (a few seconds each through wrangler, for the deployed database) reads both where
  // the chain in D1 starts and how far the chaining step has come.
  let state: { last_seq: number | null; position: number | null; hash: string | null } | undefined;
  const read = async () =>
    (state ??= (
      (await execute(
        `SELECT (SELECT last_seq FROM ledger_chain_progress WHERE id = 1) AS last_seq,
           (SELECT last_position FROM ledger_seals WHERE site_id = '${siteId}' AND evicted_at IS NOT NULL ORDER BY first_position DESC LIMIT 1) AS position,
           (SELECT head_hash FROM ledger_seals WHERE site_id = '${siteId}' AND evicted_at IS NOT NULL ORDER BY first_position DESC LIMIT 1) AS hash`,
        target,
      )) as NonNullable<typeof state>[]
    )[0]!);
  const lastLinked = async () => (await read()).last_seq ?? 0;
  // The walk's two end checks (rows added by hand, rows not linked yet) in one query.
  let end: { stray: string[]; notLinked: number } | undefined;
  const ends = async (limit: number) => {
    if (end) return end;
    const linked = await lastLinked();
    const found = (await execute(
      `SELECT l.receipt_id, (SELECT COUNT(*) FROM ledger WHERE site_id = '${siteId}' AND seq > ${linked}) AS not_linked
       FROM (SELECT 1) LEFT JOIN (
         SELECT l.receipt_id FROM ledger l LEFT JOIN ledger_chain c ON c.receipt_id = l.receipt_id
         WHERE l.site_id = '${siteId}' AND l.seq <= ${linked} AND c.receipt_id IS NULL
           AND NOT EXISTS (SELECT 1 FROM ledger_archived a WHERE a.seq = l.seq AND a.receipt_id = l.receipt_id AND a.hot = 1) ORDER BY l.seq LIMIT ${Math.floor(limit)}
       ) l`,
      target,
    )) as { receipt_id: string | null; not_linked: number }[];
    end = { stray: found.flatMap((r) => (r.receipt_id ? [r.receipt_id] : [])), notLinked: found[0]?.not_linked ?? 0 };
    return end;
  };
  return {
    async entries(position, limit) {
      const page = (await execute(
        `SELECT c.position AS chain_position, c.receipt_id AS chain_receipt_id, c.row_digest AS chain_digest, c.hash AS chain_hash, c.removed AS chain_removed, l.*
         FROM ledger_chain c LEFT JOIN ledger l ON l.receipt_id = c.receipt_id AND l.site_id = c.site_id
         WHERE c.site_id = '${siteId}' AND c.position > ${Math.floor(position)} ORDER BY c.position LIMIT ${Math.floor(limit)}`,
        target,
      )) as JoinedRow[];
      rows.clear();
      for (const r of page) if (r.seq != null) rows.set(r.chain_receipt_id, r as LedgerRow);
      return page.map((r) => ({ position: r.chain_position, receiptId: r.chain_receipt_id, rowDigest: r.chain_digest, hash: r.chain_hash, removed: r.chain_removed }));
    },
    async rows(ids) {
      return new Map(ids.flatMap((id) => (rows.has(id) ? [[id, { salt: rows.get(id)!.salt, fields: proofFieldsOfRow(rows.get(id)!) }] as const] : [])));
    },
    async unchained(limit) {
      return (await ends(limit)).stray;
    },
    async notLinked() {
      return (await ends(1)).notLinked;
    },
    async start() {
      const { position, hash } = await read();
      return position !== null && hash !== null ? { position, hash } : null;
    },
  };
}

/**
 * The site's segments as the store reads them (objects of the ARCHIVE bucket), those
 * sealed for days `from`…`to` (yyyy-mm-dd) when given.
 */
function storeSealSource(siteId: string, target: StoreTarget, keys: () => Promise<JSONWebKeySet>, days: { from?: string; to?: string } = {}): SealSource {
  const inDays = `${days.from ? ` AND day >= '${days.from}'` : ""}${days.to ? ` AND day <= '${days.to}'` : ""}`;
  return {
    seals: async (position, limit) =>
      (await execute(`SELECT * FROM ledger_seals WHERE site_id = '${siteId}' AND first_position > ${Math.floor(position)}${inDays} ORDER BY first_position LIMIT ${Math.floor(limit)}`, target)) as SealRow[],
    object: (key) => archiveObject(key, target),
    entries: async (first, count) =>
      ((await execute(`SELECT position, receipt_id, row_digest, hash, removed FROM ledger_chain WHERE site_id = '${siteId}' AND position >= ${Math.floor(first)} ORDER BY position LIMIT ${Math.floor(count)}`, target)) as ChainRow[]).map(toEntry),
    archived: async (seal) =>
      ((await execute(ARCHIVED_ENTRIES_SQL.replaceAll("?1", `'${siteId}'`).replaceAll("?2", String(Math.floor(seal.first_position))), target)) as Parameters<typeof toArchivedEntry>[0][]).map(toArchivedEntry),
    keys,
  };
}

/** The options of both commands; each refuses the other's. */
const OPTIONS = {
  site: { type: "string" },
  from: { type: "string" },
  to: { type: "string" },
  remote: { type: "boolean" },
  "persist-to": { type: "string" },
  jwks: { type: "string" },
  api: { type: "string" },
  "in-chain": { type: "boolean" },
} as const;

type Parsed = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;

function parse(argv: string[]): Parsed {
  try {
    return parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    throw new CliError(`${err instanceof Error ? err.message : String(err)}\n${USAGE}`, 2);
  }
}

function targetOf(values: Parsed["values"]): StoreTarget {
  if (values["persist-to"] === "") throw new CliError(USAGE, 2);
  return { remote: values.remote === true, ...(values["persist-to"] ? { persistTo: values["persist-to"] } : {}) };
}

/** A `--from`/`--to` day: yyyy-mm-dd, a real date. */
function dayOption(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)) || new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) !== value)
    throw new CliError(`--${name} must be a day as yyyy-mm-dd, not "${value}".`, 2);
  return value;
}

/** `verify --site <id>`: the chain walk, then the segments' walk. */
async function verifyCommand({ values, positionals }: Parsed): Promise<number> {
  const site = values.site;
  if (positionals.length !== 1 || !site || values["in-chain"]) throw new CliError(USAGE, 2);
  if (!SiteId.safeParse(site).success) throw new CliError(`"${site}" is not a valid site id (1–48 of a-z, 0-9 and '-').`, 2);
  const days = { from: dayOption("from", values.from), to: dayOption("to", values.to) };
  if (days.from && days.to && days.from > days.to) throw new CliError(`--from ${days.from} is after --to ${days.to}.`, 2);
  const target = targetOf(values);
  const db = `${where(target)} database`;
  const keys = async () => (await keySet(site, values.jwks, values.api ?? LOCAL_API)).set;
  const archive = (walk: SealWalk) => `${walk.segments} sealed segment${walk.segments === 1 ? "" : "s"} of the archive (${walk.entries} entries)`;
  if (days.from || days.to) {
    const range = `${days.from ?? "the first day"} to ${days.to ?? "the last sealed day"}`;
    const source = storeSealSource(site, target, keys, days);
    // The walk starts where the range's first segment says it does: its signed manifest states the hash before it.
    const [first] = await source.seals(0, 1);
    const seals = await verifySeals(source, first ? { from: { position: first.first_position - 1, head: first.prev_hash } } : {});
    if (!seals.ok) {
      console.error(`The archive of site "${site}" (${db}) is BROKEN at position ${seals.broken!.position}: ${seals.broken!.detail}.\n${archive(seals)} checked before it (${range}).`);
      return 1;
    }
    console.log(`The archive of site "${site}" (${db}) holds for ${range}: ${archive(seals)} checked, each against its signed manifest.`);
    return 0;
  }
  const v = await verifyChain(storeSource(site, target));
  // Entries older than the hot window left D1 with their sealed days: the walk there starts after them.
  const evicted = v.position - v.checked;
  const counts = `${v.checked} entries checked${evicted > 0 ? ` in D1 after position ${evicted} (the earlier ones left D1 for the archive)` : ""}: ${v.linked} linked, ${v.pending} not linked yet, ${v.removed} removed by erasure or retention`;
  if (!v.ok) {
    console.error(`The proof chain of site "${site}" (${db}) is BROKEN at position ${v.broken!.position}: ${v.broken!.detail}.\n${counts} before it.`);
    return 1;
  }
  if (v.checked === 0 && v.pending === 0 && v.position === 0) {
    console.log(`Site "${site}" has no proof chain in the ${db} yet (no decision recorded).`);
    return 0;
  }
  const seals = await verifySeals(storeSealSource(site, target, keys));
  if (!seals.ok) {
    console.error(`The proof chain of site "${site}" (${db}) holds (${counts}), but its archive is BROKEN at position ${seals.broken!.position}: ${seals.broken!.detail}.`);
    return 1;
  }
  console.log(`The proof chain of site "${site}" (${db}) holds: ${counts}; ${archive(seals)} checked.\nHead: ${v.head}`);
  return 0;
}

/** The claims of a compact JWS, read without verifying (to know whose keys to fetch). */
function unverifiedSite(jws: string): string {
  const parts = jws.split(".");
  try {
    if (parts.length !== 3) throw new Error("not three parts");
    const claims = JSON.parse(Buffer.from(parts[1]!, "base64url").toString("utf8")) as { site?: unknown };
    const site = SiteId.parse(claims.site);
    return site;
  } catch {
    throw new CliError("This is not a signed receipt: a compact JWS (three base64url parts) whose payload names its site.");
  }
}

/** The JWK Set: from a file, a URL, or the Worker at `api`. */
async function keySet(site: string, jwks: string | undefined, api: string): Promise<{ set: JSONWebKeySet; from: string }> {
  if (jwks && !/^https?:\/\//.test(jwks)) {
    try {
      return { set: JSON.parse(readFileSync(jwks, "utf8")) as JSONWebKeySet, from: jwks };
    } catch (err) {
      throw new CliError(`Cannot read the JWK Set ${jwks}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  let url: URL;
  try {
    url = new URL(jwks ?? `/.well-known/assent/${site}/jwks.json`, api);
  } catch {
    throw new CliError(`--api must be the Worker's origin, such as ${LOCAL_API}, not "${api}".`, 2);
  }
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  } catch (err) {
    throw new CliError(`Cannot fetch the JWK Set from ${url.href} (${err instanceof Error ? err.message : String(err)}). Is the Worker running (npm start), or pass --jwks <file>.`);
  }
  if (!res.ok) throw new CliError(`${url.href} answered ${res.status}: site "${site}" publishes no keys there.`);
  return { set: (await res.json()) as JSONWebKeySet, from: url.href };
}

/** `verify-receipt <jws>`: the signature, and with --in-chain the row and its chain entry. */
async function verifyReceiptCommand({ values, positionals }: Parsed): Promise<number> {
  const jws = positionals[1]?.trim();
  if (positionals.length !== 2 || !jws || values.site || ((values.remote || values["persist-to"] !== undefined) && !values["in-chain"])) throw new CliError(USAGE, 2);
  const site = unverifiedSite(jws);
  const { set, from } = await keySet(site, values.jwks, values.api ?? LOCAL_API);
  const check = await verifyReceipt(jws, set, site);
  if (!check.ok) {
    console.error(`The receipt is REFUSED (${check.reason}): ${check.detail}.\nKeys: ${from}`);
    return 1;
  }
  const c = check.claims;
  console.log(`The receipt ${c.receipt} of site "${c.site}" is signed by key "${check.kid}" (${from}).\nRecorded ${c.recordedAt}: ${c.action}, ${Object.entries(c.categories).map(([k, v]) => `${k} ${v ? "yes" : "no"}`).join(", ")}.\nRow digest: ${c.rowDigest}`);
  if (!values["in-chain"]) return 0;
  return inChain(ReceiptClaims.parse(c), targetOf(values));
}

/** Looks a verified receipt up in the ledger and its chain. */
async function inChain(c: ReceiptClaims, target: StoreTarget): Promise<number> {
  const db = `${where(target)} database`;
  const [row] = (await execute(`SELECT * FROM ledger WHERE site_id = '${c.site}' AND receipt_id = '${c.receipt}'`, target)) as LedgerRow[];
  const [entry] = (await execute(`SELECT position, removed FROM ledger_chain WHERE site_id = '${c.site}' AND row_digest = '${c.rowDigest}'`, target)) as { position: number; removed: string | null }[];
  if (row) {
    if (digestOfRow(row, proofFieldsOfRow) !== c.rowDigest) {
      console.error(`The row ${c.receipt} in the ${db} is NOT the one signed: its content no longer matches the signed digest (it was changed).`);
      return 1;
    }
    console.log(`In the ${db}: the row is as signed, and ${entry ? `the chain entry at position ${entry.position} holds its digest` : "the chaining step has not linked it yet"}.`);
    return 0;
  }
  if (entry?.removed) {
    console.log(`In the ${db}: the row is gone (${entry.removed}); the chain entry at position ${entry.position} still holds its digest.`);
    return 0;
  }
  if (!entry) {
    const archived = await inArchive(c, target);
    if (archived !== null) return archived;
  }
  console.error(
    entry
      ? `The row ${c.receipt} is GONE from the ${db}, and no erasure or retention removed it (chain position ${entry.position}).`
      : `The ${db} has NO trace of the receipt: neither its row nor a chain entry with its digest.`,
  );
  return 1;
}

/**
 * Looks a receipt up in the archive, for a row that left D1 with its day (older than the hot
 * window): the segments of the day it was recorded and the next (a row is linked within about a
 * minute). Null when none of them holds its digest.
 */
async function inArchive(c: ReceiptClaims, target: StoreTarget): Promise<number | null> {
  const day = c.recordedAt.slice(0, 10);
  const next = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  const seals = (await execute(`SELECT * FROM ledger_seals WHERE site_id = '${c.site}' AND day IN ('${day}', '${next}') AND evicted_at IS NOT NULL ORDER BY first_position`, target)) as SealRow[];
  for (const seal of seals) {
    const bytes = seal.emptied_at ? null : await archiveObject(seal.object_key, target);
    if (!bytes) continue;
    const line = ((await decodeSegment(bytes)) as SegmentLine[]).find((l) => l.rowDigest === c.rowDigest);
    if (!line) continue;
    const where = `In the archive (${seal.object_key}, position ${line.position})`;
    if ("removed" in line) {
      console.log(`${where}: the row is gone (${line.removed}); its entry still holds its digest.`);
      return 0;
    }
    if (line.row.receipt_id !== c.receipt || digestOfRow(line.row, proofFieldsOfRow) !== c.rowDigest) {
      console.error(`${where}: the archived row is NOT the one signed: its content no longer matches the signed digest (it was changed).`);
      return 1;
    }
    console.log(`${where}: the row is as signed (it left D1 with its day; run \`verify\` to check the segment's manifest).`);
    return 0;
  }
  return null;
}

/** Runs the CLI with argv (without node and script); resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  try {
    const parsed = parse(argv);
    const command = parsed.positionals[0];
    if (command === "verify") return await verifyCommand(parsed);
    if (command === "verify-receipt") return await verifyReceiptCommand(parsed);
    throw new CliError(USAGE, 2);
  } catch (err) {
    return exitCodeOf(err);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const code = await main(process.argv.slice(2));
  await closeStores();
  process.exit(code);
}
