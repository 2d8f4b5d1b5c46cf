/**
 * `npm run sites -- console-grant|console-link`, run as an operator runs them, against a
 * throwaway `--persist-to` directory: the printed link must sign the person in on the Worker
 * started on that same storage, once, with the role granted; and the commands refuse what they
 * should (a bad address or role, a site that is not there, a link for someone with no role).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createLocalAssent } from "../../local/index";
import { sites } from "./cli";

/** Every CLI call starts wrangler once or twice (2–5 s each on a busy 2-core machine). */
const SLOW = 120_000;

const work = mkdtempSync(join(tmpdir(), "assent-console-cli-test-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));


describe("npm run sites -- console-grant / console-link", () => {
  const persist = join(work, "state");

  it("grants a role and prints a link that signs that person in once, on the same storage", async () => {
    expect(sites("push", "examples/sites/demo.json", "--persist-to", persist).code).toBe(0);
    const grant = sites("console-grant", "demo", "Ann.O'Neil@Example.com", "viewer", "--persist-to", persist);
    expect(grant.stderr).toBe("");
    expect(grant.stdout.trim()).toBe(`ann.o'neil@example.com now has the viewer role on site "demo" (local database).`);
    const link = sites("console-link", "ann.o'neil@example.com", "--persist-to", persist, "--origin", "https://consent.example.com");
    expect(link.code).toBe(0);
    expect(link.stderr).toContain("it works once, for 10 minutes");
    const url = new URL(link.stdout.trim());
    expect(url.origin + url.pathname).toBe("https://consent.example.com/console/sign-in");

    // wrangler keeps local state under <persist-to>/v3, the layout createLocalAssent also uses.
    const assent = await createLocalAssent({ sites: [], persist: join(persist, "v3") });
    try {
      const signIn = () =>
        fetch(new URL("/console/sign-in", assent.url), {
          method: "POST",
          redirect: "manual",
          headers: { Origin: assent.url.origin, "Content-Type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ token: url.searchParams.get("token")! }),
        });
      const res = await signIn();
      expect(res.status).toBe(303);
      const cookie = res.headers.get("Set-Cookie")!.split(";")[0]!;
      const me = await (await fetch(new URL("/console/api/me", assent.url), { headers: { Cookie: cookie } })).json();
      expect(me).toMatchObject({ email: "ann.o'neil@example.com", sites: [{ id: "demo", role: "viewer" }] });
      const audit = await (await fetch(new URL("/console/api/sites/demo/audit", assent.url), { headers: { Cookie: cookie } })).json();
      expect(audit).toMatchObject({ entries: [{ actor: "cli", action: "member.grant", target: "ann.o'neil@example.com", afterFingerprint: expect.stringMatching(/^[0-9a-f]{64}$/) }] });
      expect((await signIn()).status).toBe(400);
    } finally {
      await assent.dispose();
    }
  }, SLOW);

  it("refuses a bad address or role, an unknown site, and a link for someone with no role", () => {
    const cases: [string[], RegExp][] = [
      [["console-grant", "demo", "not-an-address", "owner"], /is not an email address/],
      [["console-grant", "demo", "a@example.com", "admin"], /A role is "owner", "compliance" or "viewer"/],
      [["console-grant", "no-such-site", "a@example.com", "owner"], /No site "no-such-site"/],
      [["console-link", "nobody@example.com"], /has no role on any site/],
      [["console-link", "nobody@example.com", "--origin", "javascript:alert(1)"], /--origin must be/],
      [["console-link", "nobody@example.com", "--remote"], /With --remote, say where the Worker is/],
    ];
    for (const [args, message] of cases) {
      const run = sites(...args, ...(args.includes("--remote") ? [] : ["--persist-to", persist]));
      expect(run.code, args.join(" ")).toBe(1);
      expect(run.stderr, args.join(" ")).toMatch(message);
      expect(run.stdout).toBe("");
    }
  }, SLOW);
});
