/**
 * `POST /dev/scheduled?cron=…&at=…`: runs the scheduled handler now, as if at `at`, in local
 * development only (DEV_MODE "true"; 404 otherwise, like /dev/outbox). `wrangler dev`'s own
 * `/__scheduled` runs it at the current time only, and some steps depend on the day: the sealing
 * step seals days that are over, so `at` set to tomorrow seals today. It answers once every step
 * of the run has finished, so a command after it sees their work.
 */
import { Hono } from "hono";
import * as z from "zod";
import type { AppEnv } from "../env";
import { parseQuery } from "../lib/errors";
import { scheduled } from "./index";

/** The crons of wrangler.toml `[triggers]`. */
const DevScheduledQuery = z.strictObject({
  cron: z.enum(["* * * * *", "17 3 * * *"]).default("* * * * *"),
  at: z.iso.datetime().optional(),
});

export const devScheduledRoutes = new Hono<AppEnv>().post("/", async (c) => {
  if (c.env.DEV_MODE !== "true") return c.notFound();
  const query = parseQuery(DevScheduledQuery, c.req.query(), 'cron is "* * * * *" (default) or "17 3 * * *"; at an ISO 8601 time (default now).');
  const at = query.at ? new Date(query.at) : new Date();
  const steps: Promise<unknown>[] = [];
  const controller = { cron: query.cron, scheduledTime: at.getTime(), noRetry() {} } as ScheduledController;
  await scheduled(controller, c.env, { waitUntil: (p: Promise<unknown>) => void steps.push(p), passThroughOnException() {}, props: {} } as unknown as ExecutionContext);
  await Promise.allSettled(steps);
  return c.json({ ran: query.cron, at: at.toISOString() });
});
