/**
 * The scheduled work of rights requests (run with the retention job, worker/scheduled/):
 *
 * - a request whose verification links all expired unused is closed as `not_verified`
 *   (nothing was done; its address is cleared, R9.5);
 * - the owner is reminded `rights.remindDaysBefore` days before a request is due, once;
 * - a request past its (extended) due date is flagged overdue, once, and the owner told.
 *
 * Each mark is set by a guarded statement (worker/rights/store.ts `noteRequest`), so two runs
 * at once remind once. Due dates are calendar dates in each site's time zone.
 */
import type { SiteConfig } from "../contract";
import type { Env } from "../env";
import { findSite } from "../sites/store";
import { daysLeft } from "./deadlines";
import { tellOwner } from "./notify";
import { siteToday } from "./owner";
import { dueRequests, effectiveDue, noteRequest, transitionRequest, unverifiedExpired } from "./store";

/** The longest reminder lead the config allows (RightsSettings.remindDaysBefore). */
const MAX_REMIND_DAYS = 30;

export interface RightsJobRun {
  notVerified: number;
  reminded: number;
  overdue: number;
  webhooksQueued: number;
}

/** One run: up to `limit` requests of each kind. */
export async function runRightsJobs(env: Env, now: Date, limit: number): Promise<RightsJobRun> {
  const run: RightsJobRun = { notVerified: 0, reminded: 0, overdue: 0, webhooksQueued: 0 };
  const at = now.toISOString();
  const sites = new Map<string, SiteConfig | null>();
  const siteOf = async (id: string) => {
    if (!sites.has(id)) sites.set(id, await findSite(env, id));
    return sites.get(id)!;
  };

  for (const request of await unverifiedExpired(env, now, limit)) {
    const { changed, webhooksQueued } = await transitionRequest(env, request, { kind: "not_verified" }, "assent", at);
    if (changed) run.notVerified++;
    run.webhooksQueued += webhooksQueued;
  }

  // Requests due within the longest lead of any site, across sites; each site's own lead and
  // calendar decide.
  const horizon = new Date(now.getTime() + (MAX_REMIND_DAYS + 1) * 86_400_000).toISOString().slice(0, 10);
  for (const request of await dueRequests(env, horizon, limit)) {
    const site = await siteOf(request.site_id);
    if (!site) continue;
    const left = daysLeft(effectiveDue(request), siteToday(site, now));
    if (left < 0 && !request.overdue_at) {
      if (await noteRequest(env, request, "overdue", "assent", `Due ${effectiveDue(request)}`, at, "overdue_at")) {
        run.overdue++;
        await tellOwner(env, site, request.id, "overdue", now);
      }
    } else if (left >= 0 && left <= site.rights.remindDaysBefore && !request.reminded_at) {
      if (await noteRequest(env, request, "reminded", "assent", `${left} days left`, at, "reminded_at")) {
        run.reminded++;
        await tellOwner(env, site, request.id, "reminder", now);
      }
    }
  }
  return run;
}
