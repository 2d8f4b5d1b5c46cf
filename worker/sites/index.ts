/**
 * worker/sites: site configurations, the documents in the SITES namespace: keys.ts names
 * their KV keys, store.ts reads (validated, memoized per isolate) and writes them. The site
 * loading middleware (worker/middleware/site.ts) and the email pages read sites through it.
 */
export { type LoadedSite, loadSite, putSite } from "./store";
