/**
 * Playwright fixtures: a real Assent Worker (Miniflare/workerd with KV, D1 and static assets)
 * and a second origin serving the same demo pages, per test worker, on free loopback ports.
 *
 * - `assent.worker.url` / `assent.second.url`: the two origins (both allowed by the demo site).
 * - `assentAt(geo)`: another Worker whose requests appear to come from `geo` (US-CA, DE …),
 *   started once per location and test worker.
 * - `workerRequests(page)`: every request the page makes to the Worker, for "no request" checks.
 * Each test gets a fresh browser context: empty storage, as a first visit.
 */
import { test as base, expect, type Page, type Request } from "@playwright/test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type LocalAssent, type LocalGeo, ROOT, createLocalAssent } from "../../local/index";
import { type SecondOrigin, createSecondOrigin } from "../../local/second-origin";
import type { SiteConfigInput } from "../../worker/contract";

export interface AssentServers {
  worker: LocalAssent;
  second: SecondOrigin;
  /** Pushes the demo config (changed by `edit`), keeping both test origins allowed. */
  pushDemo(edit?: (config: SiteConfigInput) => void): Promise<void>;
}

/** The demo site config, allowing the given origins. */
export function demoConfig(origins: string[], edit?: (config: SiteConfigInput) => void): SiteConfigInput {
  const config = JSON.parse(readFileSync(join(ROOT, "examples/sites/demo.json"), "utf8")) as SiteConfigInput;
  config.allowedOrigins = [...new Set([...origins, ...config.allowedOrigins])];
  edit?.(config);
  return config;
}

async function startServers(geo?: LocalGeo): Promise<AssentServers> {
  const worker = await createLocalAssent({ sites: [], ...(geo ? { geo } : {}) });
  const second = await createSecondOrigin({ workerOrigin: worker.url.origin });
  const origins = [worker.url.origin, second.url.origin];
  const pushDemo = async (edit?: (config: SiteConfigInput) => void) => {
    await worker.pushSite(demoConfig(origins, edit));
  };
  await pushDemo();
  return { worker, second, pushDemo };
}

async function stopServers(s: AssentServers): Promise<void> {
  await s.second.close();
  await s.worker.dispose();
}

export const test = base.extend<
  { workerRequests: (page: Page) => Request[] },
  { assent: AssentServers; assentAt: (geo: LocalGeo) => Promise<AssentServers> }
>({
  assent: [
    async ({}, use) => {
      const servers = await startServers();
      await use(servers);
      await stopServers(servers);
    },
    { scope: "worker" },
  ],
  assentAt: [
    async ({}, use) => {
      // One Worker per location per test worker, shared by its tests like `assent` (starting
      // one takes seconds); each test still gets a fresh browser context.
      const started = new Map<string, Promise<AssentServers>>();
      await use((geo) => {
        const key = JSON.stringify(geo);
        let servers = started.get(key);
        if (!servers) started.set(key, (servers = startServers(geo)));
        return servers;
      });
      for (const s of started.values()) await stopServers(await s);
    },
    { scope: "worker" },
  ],
  workerRequests: async ({ assent }, use) => {
    const seen = new Map<Page, Request[]>();
    await use((page) => {
      if (!seen.has(page)) {
        const list: Request[] = [];
        seen.set(page, list);
        page.on("request", (r) => {
          if (new URL(r.url()).origin === assent.worker.url.origin) list.push(r);
        });
      }
      return seen.get(page)!;
    });
  },
});

export { expect };
