/**
 * What a site owner does with rights requests, shared by the admin API (worker/rights/api.ts)
 * and the console: read the queue, open a request, and move it on — start, extend (the
 * requester is told why and the new date, as GDPR 12(3) and CCPA 7021(b) require), complete
 * (the requester is told, with the owner's note), deny (the requester is told the basis).
 *
 * Every change is one guarded batch (worker/rights/store.ts): of two owners acting at once,
 * one wins and the other gets 409 `request_changed`.
 */
import { RightsComplete, RightsDeny, RightsExtend, type RightsQueueQuery, RightsRequestId, type RightsRequest, type RightsRequestList, RightsStart, type SiteConfig } from "../contract";
import type { Env } from "../env";
import { sendQuietly } from "../email/mailer";
import { csvField } from "../lib/csv";
import { ApiError, invalidQuery } from "../lib/errors";
import { parseJsonBody } from "../lib/json-body";
import { addCalendarDays, localDate } from "./deadlines";
import { canMail, noticeMessage } from "./messages";
import { type RightsRow, type Transition, TRANSITION_FROM, findRightsRequest, listRightsRequests, noteRequest, requestHistory, toRightsRequest, transitionRequest } from "./store";

/** Today in the site's time zone (deadlines are calendar dates there). */
export const siteToday = (site: SiteConfig, now: Date) => localDate(now, site.rights.timeZone);

const notFound = () => new ApiError(404, "request_not_found", "No such request", { detail: "This site has no rights request with that id." });

/** A path's request id, or 404 `request_not_found` (a malformed id is no request). */
export function requestIdOf(id: string | undefined): string {
  if (!RightsRequestId.safeParse(id).success) throw notFound();
  return id!;
}

/** A queue cursor: the last row's receipt time and id. */
const encodeCursor = (r: RightsRow) => `${r.received_at}~${r.id}`;
function decodeCursor(cursor: string | undefined): { receivedAt: string; id: string } | undefined {
  if (cursor === undefined) return undefined;
  const m = /^(\d{4}-\d{2}-\d{2}T[\d:.]+Z)~(rr_[0-9a-f]{24})$/.exec(cursor);
  if (!m) throw invalidQuery("cursor comes from a previous page's `next`.");
  return { receivedAt: m[1]!, id: m[2]! };
}

/** One page of the queue, newest first. */
export async function rightsQueue(env: Env, site: SiteConfig, q: RightsQueueQuery, now: Date): Promise<RightsRequestList> {
  const today = siteToday(site, now);
  const rows = await listRightsRequests(env, site.id, {
    ...(q.type ? { type: q.type } : {}),
    status: q.due === "overdue" && q.status === "active" ? "active" : q.status,
    ...(q.due ? { dueBy: q.due === "overdue" ? addCalendarDays(today, -1) : q.due } : {}),
    limit: q.limit + 1,
    ...(q.cursor ? { after: decodeCursor(q.cursor)! } : {}),
  });
  const page = rows.slice(0, q.limit);
  return { requests: page.map((r) => toRightsRequest(r, today)), next: rows.length > q.limit ? encodeCursor(page[page.length - 1]!) : null };
}

/** One request with its history. */
export async function rightsRequest(env: Env, site: SiteConfig, id: string, now: Date): Promise<RightsRequest> {
  const row = await findRightsRequest(env, site.id, id);
  if (!row) throw notFound();
  return { ...toRightsRequest(row, siteToday(site, now)), events: await requestHistory(env, site.id, id) };
}

/** Columns of the request log's CSV: R9.5's fields, never the address. */
export const LOG_CSV_COLUMNS = ["id", "type", "channel", "verification", "status", "received_at", "verified_at", "acknowledge_by", "due_by", "extended_to", "responded_at", "outcome", "denial_basis"] as const;
const CSV_PAGE = 200;

/** The whole request log of a site as a CSV download (R9.5), newest first, read page by page. */
export async function rightsLogCsv(env: Env, siteId: string): Promise<Response> {
  const lines: string[] = [LOG_CSV_COLUMNS.join(",")];
  let after: { receivedAt: string; id: string } | undefined;
  for (;;) {
    const rows = await listRightsRequests(env, siteId, { status: "all", limit: CSV_PAGE, ...(after ? { after } : {}) });
    for (const r of rows) lines.push(LOG_CSV_COLUMNS.map((k) => csvField(r[k])).join(","));
    if (rows.length < CSV_PAGE) break;
    const last = rows[rows.length - 1]!;
    after = { receivedAt: last.received_at, id: last.id };
  }
  return new Response(`${lines.join("\r\n")}\r\n`, {
    headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="${siteId}-rights-requests.csv"`, "Cache-Control": "no-store" },
  });
}

/** What the owner does. */
export type OwnerAction =
  | { kind: "in_progress"; note?: string }
  | { kind: "extended"; reason: string }
  | { kind: "completed"; note?: string }
  | { kind: "denied"; basis: string; note?: string };

/** The path's action word (`start`, `extend`, `complete`, `deny`) and its validated JSON body, as an action. */
export async function readOwnerAction(word: string, req: Request): Promise<OwnerAction> {
  switch (word) {
    case "start":
      return { kind: "in_progress", ...(await parseJsonBody(req, RightsStart)) };
    case "extend":
      return { kind: "extended", ...(await parseJsonBody(req, RightsExtend)) };
    case "complete":
      return { kind: "completed", ...(await parseJsonBody(req, RightsComplete)) };
    default:
      return { kind: "denied", ...(await parseJsonBody(req, RightsDeny)) };
  }
}

/** Applies an owner's action (see the module comment); the request as it is afterwards. */
export async function actOnRequest(env: Env, site: SiteConfig, id: string, action: OwnerAction, actor: string, now: Date): Promise<{ request: RightsRequest; webhooksQueued: number }> {
  const row = await findRightsRequest(env, site.id, id);
  if (!row) throw notFound();
  const today = siteToday(site, now);
  if (!TRANSITION_FROM[action.kind].includes(row.status))
    throw new ApiError(409, "request_changed", "The request cannot do that now", { detail: `It is ${row.status.replaceAll("_", " ")}.` });
  let t: Transition;
  switch (action.kind) {
    case "in_progress":
      t = { kind: "in_progress", note: action.note ?? null };
      break;
    case "extended": {
      if (!toRightsRequest(row, today).canExtend || !row.extendable_to)
        throw new ApiError(409, "extension_unavailable", "This request cannot be extended", {
          detail: row.extended_to
            ? "It was extended already; the law allows one extension."
            : row.extendable_to
              ? `An extension had to be taken by ${row.extend_notice_by}.`
              : "The law gives no extension for this kind of request.",
        });
      t = { kind: "extended", reason: action.reason, extendedTo: row.extendable_to };
      break;
    }
    case "completed":
      t = { kind: "completed", outcome: "fulfilled", note: action.note ?? null };
      break;
    case "denied":
      t = { kind: "denied", basis: action.basis, note: action.note ?? null };
      break;
  }
  // The address is read before the change: closing a request clears it.
  const to = row.email;
  const { changed, webhooksQueued } = await transitionRequest(env, row, t, actor, now.toISOString());
  if (!changed) throw new ApiError(409, "request_changed", "The request changed meanwhile", { detail: "Reload it and try again." });
  if (to && canMail(site) && t.kind !== "in_progress") {
    const notice =
      t.kind === "extended"
        ? ({ kind: "extended", reason: t.reason, date: t.extendedTo } as const)
        : t.kind === "denied"
          ? ({ kind: "denied", basis: t.basis } as const)
          : ({ kind: "completed", note: action.kind === "completed" ? (action.note ?? null) : null } as const);
    // The change stands whatever the mailer does; the history says whether the requester was told.
    const sent = await sendQuietly(env, noticeMessage(site, to, row.locale, notice), `notice for ${row.id}`);
    await noteRequest(env, row, sent ? "requester_notified" : "requester_notice_failed", "assent", t.kind, now.toISOString());
  }
  return { request: await rightsRequest(env, site, id, now), webhooksQueued };
}
