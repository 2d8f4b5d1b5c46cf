/**
 * The site's email lists in the console, under /console/api:
 *
 * - `GET  /sites/{siteId}/lists` (any role): each list with how many addresses are confirmed,
 *   unsubscribed, pending (asked, not confirmed yet) and suppressed. Counts only.
 * - `POST /sites/{siteId}/lists/lookup` `{ email }` (owner): what Assent holds about one
 *   address: whether it is on record and its status on each list. The address is hashed with
 *   the site's keyed hash, as every address is, and looked up by that hash; it travels in the
 *   body, never in a URL or a log.
 * - `GET  /sites/{siteId}/lists/{listId}/export` (owner): the list's confirmed, unsuppressed
 *   subscribers as CSV, streamed a page at a time: the same pages the site owner API's
 *   subscriber list reads (worker/email/store.ts `confirmedPage`). Audited.
 */
import { Hono } from "hono";
import * as z from "zod";
import { Slug } from "../contract";
import { emailHash, normalizeEmail } from "../email/address";
import { addressState, confirmedPage, listCounts } from "../email/store";
import { ApiError } from "../lib/errors";
import { pagedStream } from "../lib/paged-stream";
import { parseJsonBody } from "../lib/json-body";
import { enforceRateLimit, rateLimitKey } from "../middleware/rate-limit";
import { loadSite } from "../sites/store";
import { type ConsoleEnv, requireRole } from "./auth";
import { csvField } from "../lib/csv";
import { writeAudit } from "./store";

/** Subscribers read per page of an export. */
const EXPORT_PAGE = 500;

const LookupInput = z.strictObject({ email: z.email().max(254) });

export const listsApi = new Hono<ConsoleEnv>()
  .get("/sites/:siteId/lists", requireRole("viewer"), async (c) => {
    const { config } = await loadSite(c.env, c.req.param("siteId"));
    const counts = await listCounts(c.env, config.id, config.communications.map((l) => l.id), new Date());
    const texts = config.texts[config.defaultLocale]?.communications ?? {};
    return c.json({
      lists: config.communications.map((l) => ({ id: l.id, kind: l.kind, title: texts[l.id]?.title ?? l.id, ...counts[l.id]! })),
    });
  })
  .post("/sites/:siteId/lists/lookup", requireRole("owner"), async (c) => {
    const user = c.get("user")!;
    await enforceRateLimit(c.env, rateLimitKey(null, "console", { account: user.email }));
    const { email } = await parseJsonBody(c.req.raw, LookupInput);
    const state = await addressState(c.env, c.req.param("siteId"), await emailHash(c.env, normalizeEmail(email)), new Date());
    return c.json({ known: state.known, statuses: state.statuses, linkedBrowsers: state.visitorIds.length });
  })
  .get("/sites/:siteId/lists/:listId/export", requireRole("owner"), async (c) => {
    const { config } = await loadSite(c.env, c.req.param("siteId"));
    const listId = c.req.param("listId");
    const list = Slug.safeParse(listId).success ? config.communications.find((l) => l.id === listId) : undefined;
    if (!list) throw new ApiError(404, "unknown_list", "No such email list", { detail: `This site has no list "${listId.slice(0, 40)}".` });
    const user = c.get("user")!;
    await writeAudit(c.env, { siteId: config.id, actor: user.email, action: "list.export", target: list.id, beforeFingerprint: null, afterFingerprint: null }, new Date());
    const body = pagedStream({
      head: "email,confirmedAt,textVersion,locale,sourceUrl\r\n",
      pageSize: EXPORT_PAGE,
      next: (after: string | null) => confirmedPage(c.env, config.id, list.id, after ?? "", EXPORT_PAGE),
      cursorOf: (last) => last.id,
      encode: (r) => `${[r.email, r.confirmed_at ?? r.created_at, r.text_version, r.locale, r.source_url].map(csvField).join(",")}\r\n`,
    });
    return new Response(body, {
      headers: {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename="assent-${config.id}-${list.id}-confirmed.csv"`,
        "Cache-Control": "no-store",
      },
    });
  });
