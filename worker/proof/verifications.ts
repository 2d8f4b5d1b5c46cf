/**
 * Verifying every site's proof chain on a schedule, and on demand from the console (#13): the
 * walk of ./verify.ts in passes. A pass starts at position 1 and walks at most a budget of
 * entries per run, keeping where it stopped (position and hash) in `ledger_verifications`; the
 * next run continues from there. So a chain of any length is verified without one invocation
 * running out of CPU, and the result of the last finished pass (it holds, or the first break) is
 * what the console shows.
 *
 * - The daily cron starts a pass for every site with a chain (and none in progress).
 * - The per-minute cron continues the passes in progress.
 * - The console's "Verify now" continues the site's pass, or starts one, and walks a first budget
 *   at once: a small chain is verified before the answer.
 *
 * Two runs of one site at once (the cron and a click) each write only over the version they read;
 * the loser's walk is dropped, the winner's stands.
 */
import type { ConsoleLedgerVerification } from "../contract";
import type { Env } from "../env";
import { GENESIS } from "./chain";
import { passesInProgress, sitesToVerify, verificationRow, writeVerification } from "./store";
import { type SealWalk, d1SealSource, verifySeals } from "./verify-seals";
import { type Verification, d1ChainSource, verifyChain } from "./verify";

type Last = NonNullable<ConsoleLedgerVerification["last"]>;

/**
 * A pass in progress, as stored: first the chain in D1 (`position`, `head`), then, once it holds,
 * the site's sealed segments in the archive (`seals`: where that walk got to).
 */
interface Pass {
  startedAt: string;
  by: string;
  position: number;
  head: string;
  checked: number;
  linked: number;
  removed: number;
  /** Rows not linked yet when the chain's walk ended. */
  pending?: number;
  seals?: { position: number; head: string; segments: number };
}

/** Who the cron's passes are by. */
const DAILY_JOB = "daily job";
/**
 * The daily job's passes take a segment checked in full within this many days (and not rewritten
 * since) as checked, so each day reads what was sealed or rewritten since, and about a thirtieth
 * of the rest: the whole archive is read again every month, whatever its size.
 */
export const SEAL_RECHECK_DAYS = 30;

/** Entries a console request walks before it answers. */
export const VERIFY_NOW_ENTRIES = 5000;
/** Entries the per-minute cron walks across all passes in progress. */
export const VERIFY_ENTRIES_PER_MINUTE = 5000;
/** Entries the daily cron walks across the passes it starts. */
export const VERIFY_ENTRIES_PER_DAY_RUN = 50_000;

/** What the console shows: the last finished pass and the one in progress. */
export async function verificationOf(env: Env, siteId: string): Promise<ConsoleLedgerVerification> {
  const row = await verificationRow(env, siteId);
  const pass = row?.pass ? (JSON.parse(row.pass) as Pass) : null;
  return {
    // A pass finished before segments were sealed has no count of them: none were checked.
    last: row?.last ? { segments: 0, ...(JSON.parse(row.last) as Partial<Last>) } as Last : null,
    inProgress: pass ? { startedAt: pass.startedAt, by: pass.by, position: pass.position } : null,
  };
}

/**
 * One run of a site's pass: continues the pass in progress (or starts one, by `by`), walks at
 * most `budget` entries, and stores where it got to, or the result when the pass ends. Returns
 * the entries walked (0 when another run wrote first). With `start` false it only continues a
 * pass in progress.
 */
export async function advanceVerification(env: Env, siteId: string, budget: number, by: string, now = new Date(), start = true): Promise<number> {
  const row = await verificationRow(env, siteId);
  if (!row?.pass && !start) return 0;
  const pass: Pass = row?.pass
    ? (JSON.parse(row.pass) as Pass)
    : { startedAt: now.toISOString(), by, position: 0, head: GENESIS, checked: 0, linked: 0, removed: 0 };
  let walked = 0;
  let walk: Verification | null = null;
  if (!pass.seals) {
    walk = await verifyChain(d1ChainSource(env, siteId), { from: { position: pass.position, head: pass.head }, maxEntries: budget });
    walked += walk.checked;
    Object.assign(pass, { checked: pass.checked + walk.checked, linked: pass.linked + walk.linked, removed: pass.removed + walk.removed, position: walk.position, head: walk.head });
    if (walk.complete && walk.ok) pass.seals = { position: 0, head: GENESIS, segments: 0 };
  }
  // The segments, once the chain held: with what is left of the budget (at least one segment).
  let seals: SealWalk | null = null;
  if (pass.seals && (!walk || walk.complete)) {
    // The daily job reads again only the segments written, or last read in full, more than
    // SEAL_RECHECK_DAYS ago; a person's "Verify now" reads every one.
    const recheckBefore = pass.by === DAILY_JOB ? new Date(now.getTime() - SEAL_RECHECK_DAYS * 86_400_000).toISOString() : undefined;
    seals = await verifySeals(d1SealSource(env, siteId), { from: pass.seals, maxEntries: Math.max(1, budget - walked), ...(recheckBefore ? { recheckBefore } : {}) });
    walked += seals.cost;
    pass.seals = { position: seals.position, head: seals.head, segments: pass.seals.segments + seals.segments };
  }
  let last = row?.last ?? null;
  let next: string | null = null;
  // Finished: the chain broke, or the segments' walk reached its end (holding or not).
  const finishedWith = walk?.complete && !walk.ok ? walk.broken : seals?.complete ? seals.broken : undefined;
  if (finishedWith !== undefined) {
    const broken = finishedWith;
    const finished: Last = {
      finishedAt: new Date().toISOString(),
      startedAt: pass.startedAt,
      by: pass.by,
      ok: broken === null,
      checked: pass.checked,
      linked: pass.linked,
      removed: pass.removed,
      segments: pass.seals?.segments ?? 0,
      pending: walk?.pending ?? pass.pending ?? 0,
      head: pass.head,
      broken: broken ? { position: broken.position, reason: broken.reason, detail: broken.detail } : null,
    };
    last = JSON.stringify(finished);
    if (broken) console.error(`proof chain of site ${siteId}: broken at position ${broken.position} (${broken.reason})`);
  } else next = JSON.stringify({ ...pass, pending: walk?.pending ?? pass.pending } satisfies Pass);
  return (await writeVerification(env, siteId, row?.version ?? 0, last, next)) ? walked : 0;
}

/** Starts a pass at position 1 for a site that has none in progress (nothing walked yet). */
async function startPass(env: Env, siteId: string, by: string, now: Date): Promise<void> {
  const row = await verificationRow(env, siteId);
  if (row?.pass) return;
  const pass: Pass = { startedAt: now.toISOString(), by, position: 0, head: GENESIS, checked: 0, linked: 0, removed: 0 };
  await writeVerification(env, siteId, row?.version ?? 0, row?.last ?? null, JSON.stringify(pass));
}

/**
 * The cron's part: the daily run (`startPasses`) starts a pass for every site with a chain and
 * none in progress; every run then continues the passes in progress until `budget` entries
 * were walked, so a pass the daily run did not reach goes on in the per-minute runs.
 */
export async function runVerifications(env: Env, budget: number, startPasses: boolean, now = new Date()): Promise<{ sites: number; entries: number }> {
  if (startPasses) {
    const tried = new Set<string>();
    for (let page = await sitesToVerify(env, 500); page.some((id) => !tried.has(id)); page = await sitesToVerify(env, 500))
      for (const siteId of page.filter((id) => !tried.has(id))) {
        tried.add(siteId);
        await startPass(env, siteId, DAILY_JOB, now);
      }
  }
  let entries = 0;
  const sites = new Set<string>();
  for (const siteId of await passesInProgress(env, 100)) {
    if (entries >= budget) break;
    // A pass continues while this run has budget left; a finished one is not restarted here.
    for (;;) {
      const walked = await advanceVerification(env, siteId, Math.min(budget - entries, VERIFY_NOW_ENTRIES), DAILY_JOB, now, false);
      entries += walked;
      sites.add(siteId);
      if (walked === 0 || entries >= budget || !(await verificationRow(env, siteId))?.pass) break;
    }
  }
  return { sites: sites.size, entries };
}
