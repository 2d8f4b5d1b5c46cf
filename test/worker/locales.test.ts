/**
 * One locale rule everywhere a locale comes in (the contract's `Locale`): well-formed by
 * `Intl.getCanonicalLocales`, stored in canonical spelling, and for email mapped to one of the
 * site's languages; so no page or message can fail on a stored locale. "en-US-US" passed the
 * old pattern, and then broke the signup (503 after writing) and every later email page (500).
 */
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Locale, SiteConfig } from "../../worker/contract";
import { emailHash } from "../../worker/email/address";
import { listTitles } from "../../worker/email/messages";
import { expectNoEmailState, oneClick, outboxRows, postSignup, requestRows, signupBody, unsubscribePath, workerEnv } from "./email-helpers";
import { call, decisionBody, demoInput, expectNothingWritten, expectProblem, freshSite, postDecision } from "./helpers";

describe("the locale rule", () => {
  it("refuses what Intl would throw on, before anything is written", async () => {
    const site = await freshSite();
    for (const locale of ["en-US-US", "de-DE-DE", "en-a-b", "x-private"]) {
      await expectProblem(await postDecision(site.id, decisionBody(site, { locale })), 422, "invalid_body");
      await expectProblem(await postSignup(site.id, signupBody({ locale })), 422, "invalid_body");
      await expectProblem(await call(`/v1/sites/${site.id}/bootstrap?lang=${locale}`), 400, "invalid_query");
    }
    await expectNothingWritten(site.id);
    await expectNoEmailState(site.id);
  });

  it("stores the canonical spelling of a decision's locale", async () => {
    const site = await freshSite();
    const res = await postDecision(site.id, decisionBody(site, { locale: "EN-gb" }));
    expect(res.status).toBe(201);
    expect(((await res.json()) as { receipt: { locale: string } }).receipt.locale).toBe("en-GB");
  });

  it("maps a signup's locale to one of the site's languages: the message and pages speak it", async () => {
    const site = await freshSite();
    const body = signupBody({ locale: "de-ch" });
    expect((await postSignup(site.id, body)).status).toBe(202);
    expect((await requestRows(site.id))[0]!.locale).toBe("de");
    expect((await outboxRows(site.id))[0]!.subject).toMatch(/Bitte bestätigen/);
    const none = signupBody({ locale: "ja-JP" });
    expect((await postSignup(site.id, none)).status).toBe(202);
    expect((await requestRows(site.id)).find((r) => r.email === none.email.toLowerCase())!.locale).toBe("en");
  });

  it("an Arabic signup gets its message and pages in Arabic, right to left", async () => {
    const site = await freshSite();
    const body = signupBody({ locale: "ar-EG", lists: ["blog"] });
    expect((await postSignup(site.id, body)).status).toBe(202);
    const [message] = await outboxRows(site.id);
    expect(message!.subject).toBe("يرجى تأكيد اشتراكك في Penguin Softphone");
    expect(message!.text_body).toContain("تحديثات المدونة");
    expect(message!.html_body).toContain('<html lang="ar" dir="rtl">');
    const page = await call(new URL(message!.text_body.match(/https?:\/\/\S+\/e\/\S+/)![0]).pathname);
    expect(await page.text()).toContain('<html lang="ar" dir="rtl">');
  });

  it("a locale stored before the rule (a broken one) still gives working email pages", async () => {
    const site = await freshSite();
    const address = "broken.locale@example.com";
    const hash = await emailHash(workerEnv, address);
    await env.LEDGER.prepare(
      `INSERT INTO subscriptions (id, site_id, list_id, email, email_hash, status, text_version, locale, source_url, created_at, confirmed_at)
       VALUES ('sub_broken', ?1, 'blog', ?2, ?3, 'confirmed', '2026-11-01', 'en-US-US', NULL, ?4, ?4)`,
    ).bind(site.id, address, hash, new Date().toISOString()).run();
    const path = await unsubscribePath(site.id, "blog", address);
    const page = await call(path);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Unsubscribe");
    expect((await oneClick(path)).status).toBe(200);
    expect(() => listTitles(site.config, ["blog", "marketing-email"], "en-US-US")).not.toThrow();
  });

  it("a site config must name its languages in canonical spelling", () => {
    const bad = demoInput();
    bad.defaultLocale = "en-US-US";
    expect(SiteConfig.safeParse(bad).success).toBe(false);
    const lower = demoInput();
    lower.texts["de-ch"] = lower.texts.de!;
    expect(SiteConfig.safeParse(lower).success).toBe(false);
    const good = demoInput();
    good.texts["de-CH"] = good.texts.de!;
    expect(SiteConfig.safeParse(good).success).toBe(true);
  });

  it("whatever the rule accepts, Intl formats without throwing (property)", () => {
    const subtag = fc.stringMatching(/^[A-Za-z0-9]{1,8}$/);
    const tag = fc.tuple(fc.stringMatching(/^[A-Za-z]{2,3}$/), fc.array(subtag, { maxLength: 4 })).map(([lang, rest]) => [lang, ...rest].join("-"));
    fc.assert(
      fc.property(tag, (raw) => {
        const parsed = Locale.safeParse(raw);
        if (!parsed.success) return;
        expect(() => new Intl.ListFormat(parsed.data, { type: "conjunction" }).format(["a", "b"])).not.toThrow();
        expect(() => new Intl.DateTimeFormat(parsed.data).format(0)).not.toThrow();
        expect(Intl.getCanonicalLocales(parsed.data)[0]).toBe(parsed.data);
      }),
      { numRuns: 500 },
    );
  });
});
