/**
 * `npm run ledger -- verify` and `verify-receipt`, run as an auditor runs them, on a throwaway
 * `--persist-to` storage written by the local Worker: decisions, the per-minute cron that links
 * them, then the walk, and the decisions' signed receipts checked against the site's published
 * keys (from the Worker, then offline from a saved set) and looked up in the chain. A row changed
 * by hand in the local D1 makes both fail at that row, and so does an archived row changed by hand
 * in the local R2 once the next day's run sealed the day (#13).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createLocalAssent } from "../../local/index";
import { runWrangler } from "../../scripts/util";
import { type SegmentLine, decodeSegment, encodeSegment } from "../../worker/proof/segments";
import { runCli, runCliAsync } from "./cli";

const work = mkdtempSync(join(tmpdir(), "assent-ledger-test-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("npm run ledger -- verify and verify-receipt (R1.14)", () => {
  it("passes on the local chain after decisions and the cron, and names the position of a row changed by hand", async () => {
    const persist = join(work, "state");
    const assent = await createLocalAssent({ sites: ["examples/sites/demo.json"], persist: join(persist, "v3") });
    const receipts: string[] = [];
    const signed: string[] = [];
    const jwksFile = join(work, "demo-jwks.json");
    try {
      for (let i = 0; i < 3; i++) {
        const receipt = await decide(assent.url, i === 1 ? "reject_all" : "accept_all");
        receipts.push(receipt.id);
        signed.push(receipt.jws);
      }
      await assent.runCron();
      // Tomorrow's run seals today's entries into the archive (local R2 in the same --persist-to).
      await assent.runCron({ at: new Date(Date.now() + 86_400_000) });
      // The receipt checked against the keys the running Worker publishes.
      const live = await runCliAsync("ledger.ts", "verify-receipt", signed[0]!, "--api", assent.url.origin);
      expect(live.stderr).toBe("");
      expect(live.code).toBe(0);
      expect(live.stdout).toContain(`The receipt ${receipts[0]} of site "demo" is signed by key "s1" (${assent.url.origin}/.well-known/assent/demo/jwks.json)`);
      writeFileSync(jwksFile, await (await fetch(new URL("/.well-known/assent/demo/jwks.json", assent.url))).text());
    } finally {
      await assent.dispose();
    }

    const ok = runCli("ledger.ts", "verify", "--site", "demo", "--jwks", jwksFile, "--persist-to", persist);
    expect(ok.stderr).toBe("");
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain("holds: 3 entries checked: 3 linked, 0 not linked yet, 0 removed by erasure or retention; 1 sealed segment of the archive (3 entries) checked.");

    // The archived copy of the second row changed by hand: the archive's walk names its position.
    const day = new Date().toISOString().slice(0, 10);
    const key = `assent-archive/ledger/demo/${day.replaceAll("-", "/")}.jsonl.gz`;
    const original = join(work, "segment.jsonl.gz");
    expect(runWrangler(["r2", "object", "get", key, "--local", "--persist-to", persist, "--file", original]).status).toBe(0);
    const lines = (await decodeSegment(new Uint8Array(readFileSync(original)))) as SegmentLine[];
    expect(lines.map((l) => l.position)).toEqual([1, 2, 3]);
    (lines[1] as { row: { action: string } }).row.action = "accept_all";
    const edited = join(work, "edited.jsonl.gz");
    writeFileSync(edited, await encodeSegment(lines));
    expect(runWrangler(["r2", "object", "put", key, "--local", "--persist-to", persist, "--file", edited]).status).toBe(0);
    const archive = runCli("ledger.ts", "verify", "--site", "demo", "--jwks", jwksFile, "--persist-to", persist);
    expect(archive.code).toBe(1);
    expect(archive.stderr).toContain("but its archive is BROKEN at position 2: the archived row at position 2 does not match its digest");
    const period = runCli("ledger.ts", "verify", "--site", "demo", "--from", day, "--to", day, "--jwks", jwksFile, "--persist-to", persist);
    expect(period).toMatchObject({ code: 1, stderr: expect.stringContaining("The archive of site \"demo\" (local database) is BROKEN at position 2") });
    expect(runWrangler(["r2", "object", "put", key, "--local", "--persist-to", persist, "--file", original]).status).toBe(0);
    const restored = runCli("ledger.ts", "verify", "--site", "demo", "--from", day, "--to", day, "--jwks", jwksFile, "--persist-to", persist);
    expect(restored.stderr).toBe("");
    expect(restored.stdout).toContain(`The archive of site "demo" (local database) holds for ${day} to ${day}: 1 sealed segment of the archive (3 entries) checked, each against its signed manifest.`);
    expect(runCli("ledger.ts", "verify", "--site", "demo", "--from", "2026-02-30").code).toBe(2);

    // Offline, with the saved key set, and in the chain.
    const offline = runCli("ledger.ts", "verify-receipt", signed[1]!, "--jwks", jwksFile, "--in-chain", "--persist-to", persist);
    expect(offline.stderr).toBe("");
    expect(offline.code).toBe(0);
    expect(offline.stdout).toContain("Recorded ");
    expect(offline.stdout).toContain(": reject_all, necessary yes, usage no.");
    expect(offline.stdout).toContain("In the local database: the row is as signed, and the chain entry at position 2 holds its digest.");
    // One byte of the signature changed: refused.
    const [h, p, sig] = signed[1]!.split(".") as [string, string, string];
    const bytes = Buffer.from(sig, "base64url");
    bytes[10]! ^= 0x01;
    const forged = runCli("ledger.ts", "verify-receipt", `${h}.${p}.${bytes.toString("base64url")}`, "--jwks", jwksFile);
    expect(forged.code).toBe(1);
    expect(forged.stderr).toContain("The receipt is REFUSED (signature)");

    const tamper = runWrangler(["d1", "execute", "LEDGER", "--local", "--persist-to", persist, "--command", `UPDATE ledger SET categories = '{"necessary":true,"usage":true}' WHERE receipt_id = '${receipts[1]}'`]);
    expect(tamper.status).toBe(0);
    const broken = runCli("ledger.ts", "verify", "--site", "demo", "--persist-to", persist);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain(`BROKEN at position 2: the row at position 2 (${receipts[1]}) does not match its digest`);

    // The receipt still verifies (it is what was signed), but its row no longer is.
    const changed = runCli("ledger.ts", "verify-receipt", signed[1]!, "--jwks", jwksFile, "--in-chain", "--persist-to", persist);
    expect(changed.code).toBe(1);
    expect(changed.stderr).toContain(`The row ${receipts[1]} in the local database is NOT the one signed`);

    expect(runCli("ledger.ts", "verify", "--site", "Not A Site").code).toBe(2);
    expect(runCli("ledger.ts", "verify-receipt").code).toBe(2);
    expect(runCli("ledger.ts", "verify-receipt", signed[0]!, "--remote").code).toBe(2);
    expect(runCli("ledger.ts", "verify-receipt", "not-a-receipt", "--jwks", jwksFile)).toMatchObject({ code: 1, stderr: expect.stringContaining("This is not a signed receipt") });
    expect(runCli("ledger.ts", "check", "--site", "demo").code).toBe(2);
  }, 240_000);

  it("after the day left D1 (the hot window passed): verify walks the archive from the evicted head, and verify-receipt finds the row in its segment", async () => {
    const persist = join(work, "evicted");
    const assent = await createLocalAssent({ sites: ["examples/sites/demo.json"], persist: join(persist, "v3") });
    const signed: string[] = [];
    const jwksFile = join(work, "demo-jwks-evicted.json");
    try {
      for (let i = 0; i < 2; i++) signed.push((await decide(assent.url, "accept_all")).jws);
      await assent.runCron();
      await assent.runCron({ at: new Date(Date.now() + 86_400_000) }); // sealed
      await assent.runCron({ at: new Date(Date.now() + 400 * 86_400_000) }); // past the 90-day window, every decision expired: out of D1
      writeFileSync(jwksFile, await (await fetch(new URL("/.well-known/assent/demo/jwks.json", assent.url))).text());
    } finally {
      await assent.dispose();
    }
    const rows = runWrangler(["d1", "execute", "LEDGER", "--local", "--persist-to", persist, "--json", "--command", "SELECT (SELECT COUNT(*) FROM ledger) AS rows, (SELECT COUNT(*) FROM ledger_chain) AS entries, (SELECT COUNT(*) FROM ledger_archived) AS archived"]);
    expect(rows.stdout).toMatch(/"rows": 0,\s*"entries": 0,\s*"archived": 2/);

    const ok = runCli("ledger.ts", "verify", "--site", "demo", "--jwks", jwksFile, "--persist-to", persist);
    expect(ok.stderr).toBe("");
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain("holds: 0 entries checked in D1 after position 2 (the earlier ones left D1 for the archive)");
    expect(ok.stdout).toContain("1 sealed segment of the archive (2 entries) checked");
    const found = runCli("ledger.ts", "verify-receipt", signed[1]!, "--jwks", jwksFile, "--in-chain", "--persist-to", persist);
    expect(found.stderr).toBe("");
    expect(found.stdout).toMatch(/In the archive \(ledger\/demo\/\d{4}\/\d{2}\/\d{2}\.jsonl\.gz, position 2\): the row is as signed/);
  }, 240_000);
});

async function bootstrap(url: URL): Promise<{ policy: { fingerprint: string }; textHash: string }> {
  return (await (await fetch(new URL("/v1/sites/demo/bootstrap?lang=en", url))).json()) as { policy: { fingerprint: string }; textHash: string };
}

/** A first decision of a new visitor of the demo site, through the API; its receipt. */
async function decide(url: URL, action: "accept_all" | "reject_all"): Promise<{ id: string; jws: string }> {
  const boot = await bootstrap(url);
  const res = await fetch(new URL("/v1/sites/demo/consents", url), {
    method: "POST",
    headers: { "Content-Type": "application/json", Origin: "http://127.0.0.1:8787", "Idempotency-Key": crypto.randomUUID() },
    body: JSON.stringify({ action, policyFingerprint: boot.policy.fingerprint, locale: "en", gpc: false, widgetVersion: "test", textHash: boot.textHash, surface: "banner" }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { receipt: { id: string; jws: string } }).receipt;
}
