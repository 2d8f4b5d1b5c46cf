/**
 * `npm run ledger -- verify`, run as an auditor runs it, on a throwaway `--persist-to` storage
 * written by the local Worker: decisions, the per-minute cron that links them, then the walk. A
 * row changed by hand in the local D1 makes it fail at that row's position (#13).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createLocalAssent } from "../../local/index";
import { runWrangler } from "../../scripts/util";
import { runCli } from "./cli";

const work = mkdtempSync(join(tmpdir(), "assent-ledger-test-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("npm run ledger -- verify (R1.14)", () => {
  it("passes on the local chain after decisions and the cron, and names the position of a row changed by hand", async () => {
    const persist = join(work, "state");
    const assent = await createLocalAssent({ sites: ["examples/sites/demo.json"], persist: join(persist, "v3") });
    const receipts: string[] = [];
    try {
      for (let i = 0; i < 3; i++) {
        const res = await fetch(new URL("/v1/sites/demo/consents", assent.url), {
          method: "POST",
          headers: { "Content-Type": "application/json", Origin: "http://127.0.0.1:8787", "Idempotency-Key": crypto.randomUUID() },
          body: JSON.stringify({ action: i === 1 ? "reject_all" : "accept_all", policyFingerprint: await fingerprint(assent.url), locale: "en", gpc: false, widgetVersion: "test", textHash: await textHash(assent.url), surface: "banner" }),
        });
        expect(res.status).toBe(201);
        receipts.push(((await res.json()) as { receipt: { id: string } }).receipt.id);
      }
      await assent.runCron();
    } finally {
      await assent.dispose();
    }

    const ok = runCli("ledger.ts", "verify", "--site", "demo", "--persist-to", persist);
    expect(ok.stderr).toBe("");
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain("holds: 3 entries checked: 3 linked, 0 not linked yet");

    const tamper = runWrangler(["d1", "execute", "LEDGER", "--local", "--persist-to", persist, "--command", `UPDATE ledger SET categories = '{"necessary":true,"usage":true}' WHERE receipt_id = '${receipts[1]}'`]);
    expect(tamper.status).toBe(0);
    const broken = runCli("ledger.ts", "verify", "--site", "demo", "--persist-to", persist);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain(`BROKEN at position 2: the row at position 2 (${receipts[1]}) does not match its digest`);

    expect(runCli("ledger.ts", "verify", "--site", "Not A Site").code).toBe(2);
    expect(runCli("ledger.ts", "check", "--site", "demo").code).toBe(2);
  }, 120_000);
});

async function bootstrap(url: URL): Promise<{ policy: { fingerprint: string }; textHash: string }> {
  return (await (await fetch(new URL("/v1/sites/demo/bootstrap?lang=en", url))).json()) as { policy: { fingerprint: string }; textHash: string };
}
const fingerprint = async (url: URL) => (await bootstrap(url)).policy.fingerprint;
const textHash = async (url: URL) => (await bootstrap(url)).textHash;
