/**
 * The visitors D1 knows of for one site, a page at a time in visitor id order, for the bulk
 * erasure (worker/consent/bulk-erasure.ts). Most visitors are only here: KV holds a record only
 * once something read it (worker/consent/visitor-record.ts).
 *
 * A visitor is known by any table a single erasure (worker/consent/store/erasure.ts) removes
 * their id from: `ledger` (decisions), `ledger_archived` (decisions older than the hot window, in the archive), `kv_records` (record kept in KV), `subjects` (identified),
 * `subscription_links` and `signup_requests` (email). After their erasure none of them names the
 * visitor, so a page never brings back someone already erased; the keyset (`visitor_id > after`)
 * makes each page move on even so. Webhook events are not a source: an erasure's own
 * `consent.erased` event keeps the visitor id, for the site owner.
 */
import type { Env } from "../../env";
import { storage } from "../../lib/errors";

/** A visitor of the site, and whether their record is kept in KV (so a KV delete is due). */
export interface KnownVisitor {
  visitorId: string;
  kept: boolean;
}

/**
 * Each table contributes its own first `limit` ids after `after` (each an index range scan on
 * `(site_id, visitor_id…)`), and the union keeps the first `limit` of those: the first `limit`
 * ids of the union are among them, and no call reads more than `6 × limit` index entries,
 * however large the site. D1 allows five terms in one compound SELECT, so the ledger and its
 * archived rows (a nested union) are one term.
 */
const PAGE_SQL = `
  SELECT v.visitor_id AS visitorId,
         EXISTS (SELECT 1 FROM kv_records k WHERE k.site_id = ?1 AND k.visitor_id = v.visitor_id) AS kept
  FROM (
    SELECT visitor_id FROM (
      SELECT visitor_id FROM (SELECT DISTINCT visitor_id FROM ledger WHERE site_id = ?1 AND visitor_id > ?2 ORDER BY visitor_id LIMIT ?3)
      UNION SELECT visitor_id FROM (SELECT DISTINCT visitor_id FROM ledger_archived WHERE site_id = ?1 AND visitor_id > ?2 ORDER BY visitor_id LIMIT ?3))
    UNION SELECT visitor_id FROM (SELECT visitor_id FROM kv_records WHERE site_id = ?1 AND visitor_id > ?2 ORDER BY visitor_id LIMIT ?3)
    UNION SELECT visitor_id FROM (SELECT visitor_id FROM subjects WHERE site_id = ?1 AND visitor_id > ?2 ORDER BY visitor_id LIMIT ?3)
    UNION SELECT visitor_id FROM (SELECT DISTINCT visitor_id FROM subscription_links WHERE site_id = ?1 AND visitor_id > ?2 ORDER BY visitor_id LIMIT ?3)
    UNION SELECT visitor_id FROM (SELECT DISTINCT visitor_id FROM signup_requests WHERE site_id = ?1 AND visitor_id > ?2 ORDER BY visitor_id LIMIT ?3)
  ) v
  ORDER BY v.visitor_id LIMIT ?3`;

/** The site's next `limit` known visitors with an id after `after` ("" for the first page), in id order. */
export async function knownVisitorsAfter(env: Env, siteId: string, after: string, limit: number): Promise<KnownVisitor[]> {
  const { results } = await storage("visitor list", () =>
    env.LEDGER.prepare(PAGE_SQL).bind(siteId, after, limit).all<{ visitorId: string; kept: number }>(),
  );
  return results.map((r) => ({ visitorId: r.visitorId, kept: r.kept === 1 }));
}
