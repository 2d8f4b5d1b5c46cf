/**
 * The console's configuration API: publishing a draft (validated by the contract's schema, with
 * every problem at its path, nothing written when invalid), the material-change warning, the
 * optimistic lock between two editors, versions and rollback, roles, new sites from the
 * template, and a KV fault that must leave no half-published version behind.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { app } from "../../worker/app";
import type { ConsoleDraftCheck, ConsoleLiveConfig, ConsoleVersion, Problem, SiteConfigInput } from "../../worker/contract";
import type { Env } from "../../worker/env";
import { auditRows, consoleCall, freshEmail, grant, signIn } from "./console-helpers";
import { BASE, expectProblem, freshSite } from "./helpers";

type Config = SiteConfigInput & { texts: Record<string, { banner: { title: string } }> };

async function ownerOf(site: { id: string }) {
  const email = freshEmail();
  await grant(site.id, email, "owner");
  return { email, session: await signIn(email) };
}

const json = async <T>(res: Response, status = 200): Promise<T> => {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return JSON.parse(text) as T;
};

const liveConfig = async (session: string, siteId: string) => json<ConsoleLiveConfig & { config: Config }>(await consoleCall(session, `/api/sites/${siteId}/config`));
const check = (session: string, siteId: string, config: unknown) =>
  consoleCall(session, `/api/sites/${siteId}/config/check`, { method: "POST", body: JSON.stringify({ config }) });
const publish = (session: string, siteId: string, config: unknown, basedOn: string | null) =>
  consoleCall(session, `/api/sites/${siteId}/config`, { method: "PUT", body: JSON.stringify({ config, basedOn }) });
const bannerTitle = async (siteId: string) => {
  const res = await app.fetch(new Request(`${BASE}/v1/sites/${siteId}/bootstrap?lang=en`, { headers: { Origin: "http://127.0.0.1:8787" } }), env, createExecutionContext());
  return ((await res.json()) as { texts: { banner: { title: string } } }).texts.banner.title;
};
const versions = async (session: string, siteId: string) => (await json<{ versions: ConsoleVersion[] }>(await consoleCall(session, `/api/sites/${siteId}/versions`))).versions;

describe("publishing a configuration", () => {
  it("a wording change is checked, published as version 1, live in bootstrap, and audited; nobody is asked again (R9.12)", async () => {
    const site = await freshSite();
    const { email, session } = await ownerOf(site);
    const live = await liveConfig(session, site.id);
    expect(live.latest).toBeNull();
    expect(live.fingerprint).toBe(site.fingerprint);
    const draft = structuredClone(live.config);
    draft.texts.en!.banner.title = "We value your privacy (edited)";

    const checked = await json<ConsoleDraftCheck>(await check(session, site.id, draft));
    expect(checked).toMatchObject({ valid: true, changed: true, fingerprint: site.fingerprint, material: { changes: false, reasons: [] } });

    const res = await json<{ version: number; changed: boolean }>(await publish(session, site.id, draft, null));
    expect(res).toMatchObject({ version: 1, changed: true });
    expect(await bannerTitle(site.id)).toBe("We value your privacy (edited)");
    const [v1] = await versions(session, site.id);
    expect(v1).toMatchObject({ version: 1, publishedBy: email, source: "console", fingerprint: site.fingerprint });
    const audit = await auditRows(site.id);
    expect(audit.map((r) => [r.action, r.actor, r.target])).toEqual([["config.publish", email, "v1"]]);
    expect(audit[0]!.before_fp).toBe(live.configHash);
    expect(audit[0]!.after_fp).toBe(v1!.configHash);

    // Publishing the same document again changes nothing and records nothing.
    expect(await json(await publish(session, site.id, draft, v1!.configHash))).toMatchObject({ changed: false, version: 1 });
    expect(await versions(session, site.id)).toHaveLength(1);
  });

  it("a new category, vendor or storage item is material: the warning names it (R9.12)", async () => {
    const site = await freshSite();
    const { session } = await ownerOf(site);
    const draft = structuredClone((await liveConfig(session, site.id)).config);
    const usage = draft.categories.find((c) => c.id === "usage")!;
    draft.categories.push({ id: "ads", saleOrSharing: true, vendors: [], storage: [{ name: "_ads", type: "cookie", durationDays: 30 }] });
    for (const t of Object.values(draft.texts) as { categories: Record<string, unknown> }[]) t.categories.ads = { title: "Ads", description: "Advertising." };
    usage.storage[0]!.durationDays = (usage.storage[0]!.durationDays ?? 0) + 1;
    const checked = await json<ConsoleDraftCheck>(await check(session, site.id, draft));
    expect(checked.material.changes).toBe(true);
    expect(checked.fingerprint).not.toBe(checked.liveFingerprint);
    expect(checked.material.reasons).toEqual(
      expect.arrayContaining([
        { subject: "category", change: "added", name: "ads" },
        { subject: "storage", change: "changed", name: `usage/${usage.storage[0]!.name} (${usage.storage[0]!.type})`, fields: ["durationDays"] },
      ]),
    );
  });

  it("an invalid draft gets every problem at its path, and nothing is written", async () => {
    const site = await freshSite();
    const { session } = await ownerOf(site);
    const draft = structuredClone((await liveConfig(session, site.id)).config) as Config & { theme: Record<string, unknown> };
    draft.theme = { accent: "#777777", onAccent: "#888888" };
    draft.categories.push({ id: "ads", vendors: [], storage: [] });
    (draft as { name: string }).name = "";
    for (const send of [() => check(session, site.id, draft), () => publish(session, site.id, draft, null)]) {
      const problem = (await expectProblem(await send(), 422, "invalid_config")) as Problem;
      const paths = problem.errors!.map((e) => e.path);
      expect(paths).toEqual(expect.arrayContaining(["name", "theme.onAccent", "texts.en.categories.ads"]));
    }
    // Another site's id, and a body that is no config at all.
    await expectProblem(await publish(session, site.id, { ...draft, id: "someone-else", name: "x", theme: {} }, null), 422, "invalid_config");
    await expectProblem(await publish(session, site.id, "nope", null), 422, "invalid_config");
    await expectProblem(await consoleCall(session, `/api/sites/${site.id}/config`, { method: "PUT", body: JSON.stringify({ config: {} }) }), 422, "invalid_body");
    expect(await versions(session, site.id)).toEqual([]);
    expect(await auditRows(site.id)).toEqual([]);
    expect(await bannerTitle(site.id)).toBe(site.config.texts.en!.banner.title);
  });

  it("two editors starting from the same version: the second publish is refused, not silently lost", async () => {
    const site = await freshSite();
    const [a, b] = [await ownerOf(site), await ownerOf(site)];
    const base = (await liveConfig(a.session, site.id)).config;
    const draftA = structuredClone(base);
    draftA.texts.en!.banner.title = "From A";
    const draftB = structuredClone(base);
    draftB.texts.en!.banner.title = "From B";
    expect((await publish(a.session, site.id, draftA, null)).status).toBe(200);
    await expectProblem(await publish(b.session, site.id, draftB, null), 409, "version_conflict");
    expect(await bannerTitle(site.id)).toBe("From A");
    expect(await versions(a.session, site.id)).toHaveLength(1);
  });

  it("races: of ten publishes from the same version, exactly one wins (R6.8)", async () => {
    const site = await freshSite();
    const { session } = await ownerOf(site);
    const base = (await liveConfig(session, site.id)).config;
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => {
        const d = structuredClone(base);
        d.texts.en!.banner.title = `Racer ${i}`;
        return publish(session, site.id, d, null);
      }),
    );
    expect(answers.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409, 409, 409, 409, 409, 409]);
    expect(await versions(session, site.id)).toHaveLength(1);
  });
});

describe("versions and rollback", () => {
  it("rolls back to an earlier version as a new version, and refuses to roll back to what is live (R1.14)", async () => {
    const site = await freshSite();
    const { session, email } = await ownerOf(site);
    const base = (await liveConfig(session, site.id)).config;
    const titled = (t: string) => {
      const d = structuredClone(base);
      d.texts.en!.banner.title = t;
      return d;
    };
    await json(await publish(session, site.id, titled("First"), null));
    const [v1] = await versions(session, site.id);
    await json(await publish(session, site.id, titled("Second"), v1!.configHash));
    const [v2] = await versions(session, site.id);
    expect(await bannerTitle(site.id)).toBe("Second");

    const rolled = await json<{ version: number; restoredFrom: number }>(
      await consoleCall(session, `/api/sites/${site.id}/versions/1/rollback`, { method: "POST", body: JSON.stringify({ basedOn: v2!.configHash }) }),
    );
    expect(rolled).toMatchObject({ version: 3, restoredFrom: 1 });
    expect(await bannerTitle(site.id)).toBe("First");
    const list = await versions(session, site.id);
    expect(list.map((v) => [v.version, v.source, v.restoredFrom, v.publishedBy])).toEqual([
      [3, "rollback", 1, email],
      [2, "console", null, email],
      [1, "console", null, email],
    ]);
    expect(list[0]!.configHash).toBe(list[2]!.configHash);
    const one = await json<{ config: Config }>(await consoleCall(session, `/api/sites/${site.id}/versions/1`));
    expect(one.config.texts.en!.banner.title).toBe("First");

    await expectProblem(
      await consoleCall(session, `/api/sites/${site.id}/versions/3/rollback`, { method: "POST", body: JSON.stringify({ basedOn: list[0]!.configHash }) }),
      409,
      "already_live",
    );
    await expectProblem(await consoleCall(session, `/api/sites/${site.id}/versions/99`), 404, "not_found");
    await expectProblem(await consoleCall(session, `/api/sites/${site.id}/versions/0`), 422, "invalid_path");
    expect((await auditRows(site.id)).map((r) => r.action)).toEqual(["config.publish", "config.publish", "config.rollback"]);
  });
});

describe("who may", () => {
  it("a viewer reads the config and versions but cannot publish or roll back; another site's owner sees nothing (R7.12)", async () => {
    const site = await freshSite();
    const other = await freshSite();
    const owner = await ownerOf(site);
    const viewer = freshEmail();
    await grant(site.id, viewer, "viewer");
    const v = await signIn(viewer);
    const stranger = await ownerOf(other);
    const draft = (await liveConfig(owner.session, site.id)).config;
    draft.texts.en!.banner.title = "Viewer was here";

    expect((await consoleCall(v, `/api/sites/${site.id}/config`)).status).toBe(200);
    expect((await check(v, site.id, draft)).status).toBe(200);
    await expectProblem(await publish(v, site.id, draft, null), 403, "owner_only");
    await expectProblem(await consoleCall(v, `/api/sites/${site.id}/versions/1/rollback`, { method: "POST", body: JSON.stringify({ basedOn: null }) }), 403, "owner_only");
    for (const res of [
      await consoleCall(stranger.session, `/api/sites/${site.id}/config`),
      await check(stranger.session, site.id, draft),
      await publish(stranger.session, site.id, draft, null),
      await consoleCall(stranger.session, `/api/sites/${site.id}/versions`),
    ])
      await expectProblem(res, 404, "not_found");
    expect(await bannerTitle(site.id)).toBe(site.config.texts.en!.banner.title);
  });
});

describe("new sites", () => {
  it("creates a site from the template with its creator as owner; an existing id is refused", async () => {
    const seed = await freshSite();
    const { email, session } = await ownerOf(seed);
    const id = `new-${crypto.randomUUID().slice(0, 8)}`;
    const created = await consoleCall(session, "/api/sites", { method: "POST", body: JSON.stringify({ id, name: "Brand new", origin: "https://brand-new.example" }) });
    expect(await json(created, 201)).toEqual({ id, version: 1 });
    const me = await json<{ sites: { id: string; role: string; name: string }[] }>(await consoleCall(session, "/api/me"));
    expect(me.sites).toEqual(expect.arrayContaining([{ id, role: "owner", name: "Brand new" }]));
    const live = await liveConfig(session, id);
    expect(live.config.allowedOrigins).toEqual(["https://brand-new.example"]);
    expect(live.latest?.version).toBe(1);
    expect((await auditRows(id)).map((r) => [r.action, r.actor])).toEqual([
      ["site.create", email],
      ["member.add", email],
    ]);

    await expectProblem(await consoleCall(session, "/api/sites", { method: "POST", body: JSON.stringify({ id, name: "Again", origin: "https://x.example" }) }), 409, "site_exists");
    await expectProblem(await consoleCall(session, "/api/sites", { method: "POST", body: JSON.stringify({ id: "Bad Id", name: "x", origin: "https://x.example" }) }), 422, "invalid_body");
    await expectProblem(await consoleCall(session, "/api/sites", { method: "POST", body: JSON.stringify({ id: `${id}-2`, name: "x", origin: "javascript:alert(1)" }) }), 422, "invalid_body");
  });
});

describe("a storage fault while publishing", () => {
  it("KV refusing the write: 503 with Retry-After, no version left behind, the failure audited", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const site = await freshSite();
    const { session } = await ownerOf(site);
    const draft = (await liveConfig(session, site.id)).config;
    draft.texts.en!.banner.title = "Never live";
    const sites = new Proxy(env.SITES, {
      get(target, prop) {
        if (prop === "put") return () => Promise.reject(new Error("put failed (injected)"));
        const value = Reflect.get(target, prop) as unknown;
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const ctx = createExecutionContext();
    const res = await app.fetch(
      new Request(`${BASE}/console/api/sites/${site.id}/config`, {
        method: "PUT",
        headers: { Cookie: session, Origin: BASE, "Content-Type": "application/json" },
        body: JSON.stringify({ config: draft, basedOn: null }),
      }),
      { ...(env as unknown as Env), SITES: sites },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(Number(res.headers.get("Retry-After"))).toBeGreaterThan(0);
    await expectProblem(res, 503, "storage_unavailable");
    expect(await versions(session, site.id)).toEqual([]);
    expect((await auditRows(site.id)).map((r) => r.action)).toEqual(["config.publish", "config.publish_failed"]);
    expect(await bannerTitle(site.id)).toBe(site.config.texts.en!.banner.title);
    // And the same publish goes through once KV is back.
    expect((await publish(session, site.id, draft, null)).status).toBe(200);
    logged.mockRestore();
  });
});
