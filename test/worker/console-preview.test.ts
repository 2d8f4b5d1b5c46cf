/**
 * The live preview: a draft kept for the real widget, its page for people with a role on the
 * site, its bootstrap built from the draft with the situation asked for, and decisions in it
 * recorded nowhere.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { BootstrapResponse, SiteConfigInput } from "../../worker/contract";
import { consoleCall, freshEmail, grant, signIn } from "./console-helpers";
import { BASE, call, expectProblem, freshSite } from "./helpers";

type Config = SiteConfigInput & { texts: Record<string, { banner: { title: string } }> };

async function setUp() {
  const site = await freshSite();
  const viewer = freshEmail();
  await grant(site.id, viewer, "viewer");
  const session = await signIn(viewer);
  const live = (await (await consoleCall(session, `/api/sites/${site.id}/config`)).json()) as { config: Config };
  const draft = structuredClone(live.config);
  draft.texts.en!.banner.title = "Only in the draft";
  return { site, session, draft };
}

const makePreview = async (session: string, siteId: string, config: unknown) => consoleCall(session, `/api/sites/${siteId}/previews`, { method: "POST", body: JSON.stringify({ config }) });

describe("the live preview", () => {
  it("keeps a valid draft for a viewer, and serves a page that loads the real widget pointed at it", async () => {
    const { site, session, draft } = await setUp();
    const res = await makePreview(session, site.id, draft);
    expect(res.status).toBe(201);
    const { id, expiresAt } = (await res.json()) as { id: string; expiresAt: string };
    expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(55 * 60_000);

    const page = await consoleCall(session, `/preview/${id}?mode=gpc&scheme=dark&lang=de&view=preferences`);
    expect(page.status).toBe(200);
    expect(page.headers.get("Content-Security-Policy")).toContain("frame-ancestors 'self'");
    expect(page.headers.get("Content-Security-Policy")).toContain("script-src 'self';");
    const html = await page.text();
    expect(html).toContain(`<script src="/assent.js" data-site="${site.id}" data-endpoint="/console/preview/${id}/gpc/dark/" data-lang="de" defer></script>`);
    expect(html).toMatch(/preview-page\.js" data-view="preferences"/);
    // The live site is untouched.
    const liveBoot = (await (await call(`/v1/sites/${site.id}/bootstrap?lang=en`, { headers: { Origin: "http://127.0.0.1:8787" } })).json()) as BootstrapResponse;
    expect(liveBoot.texts.banner.title).toBe(site.config.texts.en!.banner.title);
  });

  it("answers the widget's bootstrap from the draft, as the situation asked for", async () => {
    const { site, session, draft } = await setUp();
    const { id } = (await (await makePreview(session, site.id, draft)).json()) as { id: string };
    const boot = async (mode: string, scheme: string) => {
      // The widget sends no cookie: the preview's id is what opens it.
      const res = await call(`/console/preview/${id}/${mode}/${scheme}/v1/sites/${site.id}/bootstrap?lang=en`);
      expect(res.status, await res.clone().text()).toBe(200);
      return (await res.json()) as BootstrapResponse;
    };
    const eu = await boot("opt-in", "light");
    expect(eu.texts.banner.title).toBe("Only in the draft");
    expect(eu.edge).toMatchObject({ regime: "opt-in", gpc: false });
    expect(eu.theme.colorScheme).toBe("light");
    expect((await boot("opt-out", "dark")).edge).toMatchObject({ regime: "opt-out", gpc: false });
    expect((await boot("gpc", "dark")).edge).toMatchObject({ regime: "opt-out", gpc: true });
    expect((await boot("gpc", "dark")).theme.colorScheme).toBe("dark");
    expect((await boot("notice", "light")).edge.regime).toBe("notice");
    for (const path of [`/console/preview/${id}/eu/light/v1/sites/${site.id}/bootstrap`, `/console/preview/${id}/gpc/sepia/v1/sites/${site.id}/bootstrap`, `/console/preview/${id}/gpc/dark/v1/sites/other/bootstrap`])
      await expectProblem(await call(path), 404, "not_found");
  });

  it("records nothing when the visitor decides in the preview", async () => {
    const { site, session, draft } = await setUp();
    const { id } = (await (await makePreview(session, site.id, draft)).json()) as { id: string };
    const before = await env.LEDGER.prepare(`SELECT COUNT(*) AS n FROM ledger WHERE site_id = ?1`).bind(site.id).first<{ n: number }>();
    const res = await call(`/console/preview/${id}/opt-in/light/v1/sites/${site.id}/consents`, {
      method: "POST",
      headers: { Origin: BASE, "Content-Type": "application/json", "Idempotency-Key": crypto.randomUUID() },
      body: JSON.stringify({ categories: { usage: true } }),
    });
    await expectProblem(res, 403, "preview_not_recorded");
    const after = await env.LEDGER.prepare(`SELECT COUNT(*) AS n FROM ledger WHERE site_id = ?1`).bind(site.id).first<{ n: number }>();
    expect(after?.n).toBe(before?.n);
    await expectProblem(await call(`/console/preview/${id}/opt-in/light/v1/sites/${site.id}/me`), 404, "not_found");
  });

  it("refuses an invalid draft, a stranger, a signed-out page, an unknown or ended preview", async () => {
    const { site, session, draft } = await setUp();
    const broken = structuredClone(draft) as Config & { theme: unknown };
    broken.theme = { accent: "#777777", onAccent: "#888888" };
    const problem = await expectProblem(await makePreview(session, site.id, broken), 422, "invalid_config");
    expect(problem.errors?.map((e) => e.path)).toContain("theme.onAccent");

    const { id } = (await (await makePreview(session, site.id, draft)).json()) as { id: string };
    const stranger = freshEmail();
    await grant((await freshSite()).id, stranger, "owner");
    await expectProblem(await consoleCall(await signIn(stranger), `/preview/${id}`), 404, "not_found");
    await expectProblem(await consoleCall(null, `/preview/${id}`), 401, "signed_out");
    await expectProblem(await consoleCall(session, `/preview/${"x".repeat(43)}`), 404, "not_found");
    await expectProblem(await call(`/console/preview/${"x".repeat(43)}/opt-in/light/v1/sites/${site.id}/bootstrap`), 404, "not_found");

    await env.LEDGER.prepare(`UPDATE console_previews SET expires_at = ?1 WHERE site_id = ?2`).bind(new Date(Date.now() - 1000).toISOString(), site.id).run();
    await expectProblem(await call(`/console/preview/${id}/opt-in/light/v1/sites/${site.id}/bootstrap`), 404, "not_found");
    await expectProblem(await consoleCall(session, `/preview/${id}`), 404, "not_found");
  });
});
