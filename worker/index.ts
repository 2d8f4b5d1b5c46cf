/**
 * The Assent Worker's entry: `fetch` serves the Hono app (worker/app.ts, `/v1/...` and the email
 * pages) and `scheduled` runs webhook delivery and the retention job. Static assets (the widget,
 * the demo site) are served by Workers Static Assets before the Worker runs; only paths no asset
 * matches reach the app.
 */
import { app } from "./app";
import type { Env } from "./env";
import { scheduled } from "./scheduled";

export default {
  fetch: app.fetch,
  scheduled,
} satisfies ExportedHandler<Env>;
