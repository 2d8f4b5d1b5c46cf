/**
 * `npm run sites -- key create|revoke|list`, run as a site owner runs it, against a throwaway
 * `--persist-to` directory: the printed secret must then open the admin API of the Worker
 * started on that same storage, a wrong secret must not, and a revoked key must stop working.
 * A key is only created for a site pushed to that same storage, and `list` never shows a secret
 * or a hash.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLocalAssent } from "../../local/index";
import { sites } from "./cli";

/** Every CLI call starts wrangler once or twice (2–5 s each on a busy 2-core machine). */
const SLOW = 120_000;

const work = mkdtempSync(join(tmpdir(), "assent-keys-test-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));


/** Pushes the demo site's config to the SITES namespace under `persist`, as a site owner would first. */
function pushDemo(persist: string): void {
  const push = sites("push", "examples/sites/demo.json", "--persist-to", persist);
  expect(push.stderr).toBe("");
  expect(push.code).toBe(0);
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

/** The local D1 databases under `dir` (Miniflare's own bookkeeping file aside). */
function databaseFiles(dir: string): string[] {
  const d1 = join(dir, "v3", "d1", "miniflare-D1DatabaseObject");
  return existsSync(d1) ? readdirSync(d1).filter((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite") : [];
}

describe("npm run sites -- key", () => {
  // One storage with the demo pushed, shared by the tests that need a pushed site: a push starts
  // wrangler three times, the slowest step of this file.
  const persist = join(work, "state");
  beforeAll(() => pushDemo(persist), SLOW);

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
  }, SLOW);

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

  it("lists a site's live and revoked keys with their dates, never a secret or a hash", () => {
    const dir = persist;
    const created = ["mailer", "support desk"].map((label) => {
      const run = sites("key", "create", "demo", "--label", label, "--persist-to", dir);
      expect(run.code).toBe(0);
      return { id: /\b(ak_[0-9a-f]{12})\b/.exec(run.stdout)![1]!, secret: /\b(ask_[A-Za-z0-9_-]{43})\b/.exec(run.stdout)![1]! };
    });
    expect(sites("key", "revoke", created[0]!.id, "--persist-to", dir).code).toBe(0);

    const list = sites("key", "list", "demo", "--persist-to", dir);
    expect(list.stderr).toBe("");
    expect(list.code).toBe(0);
    const row = (id: string) => list.stdout.split("\n").find((line) => line.startsWith(id)) ?? "";
    // The summary counts the rows listed (other tests' keys share this storage).
    const rows = list.stdout.split("\n").filter((line) => /^ak_[0-9a-f]{12}\s/.test(line));
    const [, live, revoked] = /(\d+) live, (\d+) revoked/.exec(list.stdout) ?? [];
    expect(Number(live)).toBe(rows.filter((r) => /\slive\s/.test(r)).length);
    expect(Number(revoked)).toBe(rows.filter((r) => /\srevoked\s/.test(r)).length);
    expect(Number(live)).toBeGreaterThanOrEqual(1);
    expect(row(created[0]!.id)).toMatch(/revoked \d{4}-\d\d-\d\dT[\d:.]+Z .*never .*mailer$/);
    expect(row(created[1]!.id)).toMatch(/live .*never .*support desk$/);
    for (const { secret } of created) {
      expect(list.stdout).not.toContain(secret);
      expect(list.stdout).not.toContain(createHash("sha256").update(secret).digest("hex"));
    }
    expect(list.stdout).not.toMatch(/ask_|[0-9a-f]{64}/);
  }, SLOW);

  it("refuses a key for a site that was never pushed to that storage, writing no key", () => {
    // Nothing pushed here: refused before the database was even created.
    const empty = join(work, "no-site");
    const refused = sites("key", "create", "demo", "--persist-to", empty);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('No site "demo" in the local SITES namespace');
    expect(refused.stdout).not.toMatch(/ask_|ak_/);
    expect(databaseFiles(empty)).toEqual([]);

    // The demo site is pushed here, but "ghost" is not: no key for it reaches the table.
    const dir = persist;
    const ghost = sites("key", "create", "ghost", "--label", "mailer", "--persist-to", dir);
    expect(ghost.code).toBe(1);
    expect(ghost.stderr).toContain('No site "ghost"');
    expect(ghost.stdout).not.toMatch(/ask_|ak_/);
    const list = sites("key", "list", "ghost", "--persist-to", dir);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain('No API keys for site "ghost"');
  }, SLOW);
});
