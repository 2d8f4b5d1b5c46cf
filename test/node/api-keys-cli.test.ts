/**
 * `npm run sites -- key create|revoke`, run as a site owner runs it, against a throwaway
 * `--persist-to` directory: the printed secret must then open the admin API of the Worker
 * started on that same storage, a wrong secret must not, and a revoked key must stop working.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createLocalAssent } from "../../local/index";
import { ROOT, offlineEnv } from "../../scripts/util";

const work = mkdtempSync(join(tmpdir(), "assent-keys-test-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function sites(...args: string[]) {
  const run = spawnSync(join(ROOT, "node_modules/.bin/tsx"), ["scripts/sites.ts", ...args], { cwd: ROOT, env: offlineEnv(), encoding: "utf8" });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** GET the demo blog's subscribers with a secret from the Worker on the persisted storage. */
async function subscribersStatus(persist: string, secrets: string[]): Promise<number[]> {
  // wrangler keeps local state under <persist-to>/v3, the layout createLocalAssent also uses.
  const assent = await createLocalAssent({ sites: ["examples/sites/demo.json"], persist: join(persist, "v3") });
  try {
    const statuses: number[] = [];
    for (const secret of secrets) {
      const res = await fetch(new URL("/v1/sites/demo/admin/lists/blog/subscribers", assent.url), { headers: { Authorization: `Bearer ${secret}` } });
      await res.arrayBuffer();
      statuses.push(res.status);
    }
    return statuses;
  } finally {
    await assent.dispose();
  }
}

describe("npm run sites -- key", () => {
  const persist = join(work, "state");

  it("creates a key whose secret opens the admin API once, then revokes it", async () => {
    const run = sites("key", "create", "demo", "--label", "mailer (prod)", "--persist-to", persist);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const secret = /\b(ask_[A-Za-z0-9_-]{43})\b/.exec(run.stdout)?.[1];
    const keyId = /\b(ak_[0-9a-f]{12})\b/.exec(run.stdout)?.[1];
    expect(secret).toBeDefined();
    expect(keyId).toBeDefined();
    expect(run.stdout).toContain("cannot be shown again");

    const wrong = `ask_${"B".repeat(43)}`;
    expect(await subscribersStatus(persist, [secret!, wrong])).toEqual([200, 401]);

    const revoke = sites("key", "revoke", keyId!, "--persist-to", persist);
    expect(revoke.stderr).toBe("");
    expect(revoke.code).toBe(0);
    expect(await subscribersStatus(persist, [secret!])).toEqual([401]);
    const again = sites("key", "revoke", keyId!, "--persist-to", persist);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("No live key");
  });

  it("refuses a label that could break out of SQL, a bad site id, and wrong usage, writing nothing", () => {
    const dir = join(work, "refused");
    const label = sites("key", "create", "demo", "--label", "x'); DROP TABLE api_keys; --", "--persist-to", dir);
    expect(label.code).toBe(1);
    expect(label.stderr).toContain("A label is");
    const site = sites("key", "create", "Not A Site", "--persist-to", dir);
    expect(site.code).toBe(1);
    expect(site.stderr).toContain("not a valid site id");
    for (const args of [["key"], ["key", "create"], ["key", "rotate", "demo"], ["key", "create", "demo", "--label"], ["key", "create", "demo", "--force"]]) {
      const run = sites(...args);
      expect(run.code, args.join(" ")).toBe(2);
      expect(run.stderr).toContain("key create <siteId>");
    }
    // Refused before wrangler ran: not even the local database was created.
    expect(existsSync(dir)).toBe(false);
  });
});
