/**
 * Verification and automatic fulfilment (R9.1–R9.4, R9.9): a GET never verifies, a link is
 * spent once and expires, a forged or foreign link does nothing; a verified access request gets
 * a download of everything held, a deletion erases it (suppression hashes stay), a correction
 * moves the subscriptions once the new address is confirmed, a parent's request deletes and
 * suppresses.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { emailHash } from "../../worker/email/address";
import { confirmedSubscriber, newAddress, postSignup, signupBody, subscriptionRows, suppressionRows, workerEnv, outboxRows, confirmToken, postConfirm } from "./email-helpers";
import { auth, call, freshSite, flippedByte, getMe, ledgerRows, newVisitor } from "./helpers";
import { clickLink, fileRights, historyKinds, linkToken, mailTo, rightsEvents, rightsRow, rightsSite, sql, verifyTokenFor } from "./rights-helpers";
import { settled, useFakeReceiver } from "./webhook-helpers";

useFakeReceiver();

const OWNER = "privacy@penguin.example";

/** A subscriber confirmed on both lists from a browser that made a decision: the address and the browser. */
async function linkedSubscriber(site: Awaited<ReturnType<typeof freshSite>>) {
  const visitor = await newVisitor(site);
  const email = newAddress();
  for (const list of ["marketing-email", "blog"]) {
    expect((await postSignup(site.id, signupBody({ email, lists: [list] }), { headers: auth(visitor.token!) })).status).toBe(202);
    const message = (await outboxRows(site.id)).filter((m) => m.to_address === email.toLowerCase()).at(-1)!;
    expect((await postConfirm(site.id, confirmToken(message, site.id))).status).toBe(200);
  }
  return { email, visitor };
}

describe("the verification link", () => {
  it("a GET shows a button and verifies nothing; the POST verifies once; the next click is 410 (R9.1, R9.4)", async () => {
    const { site } = await rightsSite();
    const email = newAddress();
    const { id } = await fileRights(site.id, { type: "access", email });
    const token = await verifyTokenFor(site.id, email);
    const page = await call(`/r/${site.id}/verify/${token}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<form method="post">');
    expect(html).toContain("Get a copy of your data");
    expect((await rightsRow(id)).status).toBe("awaiting_verification");

    const first = await clickLink(site.id, "verify", token);
    expect(first.status).toBe(200);
    expect((await rightsRow(id)).status).toBe("open");
    expect((await rightsRow(id)).verified_at).not.toBeNull();
    expect((await clickLink(site.id, "verify", token)).status).toBe(410);
    expect((await call(`/r/${site.id}/verify/${token}`)).status).toBe(410);
    expect((await historyKinds(id)).filter((k) => k === "verified")).toHaveLength(1);
    await settled(site.id);
  });

  it("twenty clicks at once verify once: one history row, one webhook event, one download link (R6.8)", async () => {
    const { site } = await rightsSite();
    const email = newAddress();
    const { id } = await fileRights(site.id, { type: "access", email });
    const token = await verifyTokenFor(site.id, email);
    const answers = await Promise.all(Array.from({ length: 20 }, () => clickLink(site.id, "verify", token)));
    expect(answers.filter((r) => r.status === 200)).toHaveLength(1);
    expect(answers.filter((r) => r.status !== 200).every((r) => r.status === 410 || r.status === 429)).toBe(true);
    expect((await historyKinds(id)).filter((k) => k === "verified")).toHaveLength(1);
    expect((await rightsEvents(site.id)).filter((e) => e.type === "rights.request.verified")).toHaveLength(1);
    const links = await env.LEDGER.prepare(`SELECT COUNT(*) AS n FROM rights_links WHERE request_id = ?1 AND purpose = 'download'`).bind(id).first<{ n: number }>();
    expect(links!.n).toBe(1);
    await settled(site.id);
  });

  it("a forged token (bytes changed), another site's link, or an expired link does nothing (R9.4)", async () => {
    const site = await freshSite();
    const other = await freshSite();
    const email = newAddress();
    const { id } = await fileRights(site.id, { type: "deletion", email });
    const token = await verifyTokenFor(site.id, email);
    expect((await clickLink(site.id, "verify", flippedByte(token, 3))).status).toBe(404);
    expect((await clickLink(other.id, "verify", token)).status).toBe(404);
    expect((await clickLink(site.id, "new-address", token)).status).toBe(404);
    await sql(`UPDATE rights_links SET expires_at = ?1 WHERE request_id = ?2`, new Date(Date.now() - 1000).toISOString(), id);
    expect((await clickLink(site.id, "verify", token)).status).toBe(410);
    expect((await rightsRow(id)).status).toBe("awaiting_verification");
  });
});

describe("what a verified request does", () => {
  it("access: a download of everything held about the address, and the owner is told (R9.1)", async () => {
    const { site } = await rightsSite();
    const { email, visitor } = await linkedSubscriber(site);
    const { id } = await fileRights(site.id, { type: "access", email });
    const res = await clickLink(site.id, "verify", await verifyTokenFor(site.id, email));
    const html = await res.text();
    expect(html).toContain("Download my data (JSON)");
    const token = linkToken((await mailTo(site.id, email)).at(-1)!, site.id, "download");
    expect(html).toContain(`/r/${site.id}/download/${token}`);

    const download = await call(`/r/${site.id}/download/${token}`);
    expect(download.status).toBe(200);
    expect(download.headers.get("Content-Disposition")).toContain("attachment");
    const data = (await download.json()) as {
      format: string;
      email: string;
      subscriptions: { list: string; status: string; wordingVersion: string; wording: string | null }[];
      emailHistory: { kind: string }[];
      linkedBrowsers: { visitorId: string; decisions: { id: string }[]; decisionsComplete: boolean }[];
      privacyRequests: { id: string; status: string }[];
    };
    expect(data.format).toBe("assent.access-export/1");
    expect(data.email).toBe(email.toLowerCase());
    expect(data.subscriptions.map((s) => [s.list, s.status]).sort()).toEqual([["blog", "confirmed"], ["marketing-email", "confirmed"]]);
    expect(data.subscriptions.every((s) => s.wordingVersion && s.wording)).toBe(true);
    expect(data.emailHistory.map((e) => e.kind)).toEqual(expect.arrayContaining(["signup", "confirm"]));
    expect(data.linkedBrowsers).toEqual([
      { visitorId: visitor.receipt.visitorId, decisions: [expect.objectContaining({ id: visitor.receipt.id })], decisionsComplete: true },
    ]);
    expect(data.privacyRequests).toEqual([expect.objectContaining({ id, status: "open" })]);
    // Not closed: the owner may hold data elsewhere, and is told.
    expect((await rightsRow(id)).status).toBe("open");
    expect((await mailTo(site.id, OWNER)).map((m) => m.subject)).toEqual([`[${site.config.name}] New privacy request`]);
    await settled(site.id);
  });

  it("access with completeAutomatically: closed at once, its content cleared; the download still works while the link lives (R9.1)", async () => {
    const { site } = await rightsSite((c) => {
      c.rights!.completeAutomatically = true;
    });
    const email = await confirmedSubscriber(site.id, ["blog"]);
    const { id } = await fileRights(site.id, { type: "access", email });
    await clickLink(site.id, "verify", await verifyTokenFor(site.id, email));
    expect(await rightsRow(id)).toMatchObject({ status: "completed", outcome: "download_provided", email: null });
    expect((await rightsEvents(site.id)).map((e) => e.type)).toEqual(["rights.request.received", "rights.request.verified", "rights.request.completed"]);
    const token = linkToken((await mailTo(site.id, email)).at(-1)!, site.id, "download");
    const data = (await (await call(`/r/${site.id}/download/${token}`)).json()) as { subscriptions: unknown[] };
    expect(data.subscriptions).toHaveLength(1);
    await sql(`UPDATE rights_links SET expires_at = ?1 WHERE request_id = ?2`, new Date(Date.now() - 1000).toISOString(), id);
    expect((await call(`/r/${site.id}/download/${token}`)).status).toBe(410);
    await settled(site.id);
  });

  it("deletion: the address and its browsers are erased, as DELETE /me does; the suppression hash stays on every list (R5.7, R9.2)", async () => {
    const { site } = await rightsSite();
    const { email, visitor } = await linkedSubscriber(site);
    const bystander = await confirmedSubscriber(site.id, ["blog"]);
    const { id } = await fileRights(site.id, { type: "deletion", email });
    const res = await clickLink(site.id, "verify", await verifyTokenFor(site.id, email));
    expect(await res.text()).toContain("about 60 seconds");
    const hash = await emailHash(workerEnv, email);
    expect((await subscriptionRows(site.id)).map((s) => s.email_hash)).toEqual([await emailHash(workerEnv, bystander)]);
    expect((await suppressionRows(site.id)).filter((s) => s.email_hash === hash).map((s) => s.list_id).sort()).toEqual(["blog", "marketing-email"]);
    expect((await ledgerRows(site.id)).filter((r) => r.visitor_id === visitor.receipt.visitorId)).toEqual([]);
    expect((await getMe(site.id, visitor.token!)).status).toBe(401);
    expect(await historyKinds(id)).toEqual(["received", "verified", "erased", "owner_notified"]);
    // The request log keeps the row (R9.2), without content once closed; while open the owner sees the address.
    expect((await rightsRow(id)).status).toBe("open");
    await settled(site.id);
  });

  it("a parent's request deletes and suppresses the child's address (R9.9)", async () => {
    const { site } = await rightsSite();
    const email = await confirmedSubscriber(site.id, ["marketing-email"]);
    const { id } = await fileRights(site.id, { type: "child_data_deletion", email, parentOrGuardian: true });
    await clickLink(site.id, "verify", await verifyTokenFor(site.id, email));
    const hash = await emailHash(workerEnv, email);
    expect((await subscriptionRows(site.id)).filter((s) => s.email_hash === hash)).toEqual([]);
    expect((await suppressionRows(site.id)).filter((s) => s.email_hash === hash)).toHaveLength(2);
    expect(await historyKinds(id)).toContain("erased");
    await settled(site.id);
  });

  it("correction: the new address gets its own link; the subscriptions move when it is clicked, and the old address is unsubscribed (R9.3)", async () => {
    const { site } = await rightsSite();
    const email = await confirmedSubscriber(site.id, ["marketing-email", "blog"]);
    const newEmail = newAddress();
    const { id } = await fileRights(site.id, { type: "correction", email, correction: "My address changed", newEmail });
    const verifyToken = await verifyTokenFor(site.id, email);
    // The verification page names where the subscriptions would go.
    expect(await (await call(`/r/${site.id}/verify/${verifyToken}`)).text()).toContain(`Your subscriptions would then move to ${newEmail.toLowerCase()}.`);
    const verified = await clickLink(site.id, "verify", verifyToken);
    expect(await verified.text()).toContain("We sent a link to your new address");
    const [confirmation] = await mailTo(site.id, newEmail);
    const token = linkToken(confirmation!, site.id, "new-address");
    // Nothing moves before the new address's owner clicks (and a GET is not a click).
    expect((await call(`/r/${site.id}/new-address/${token}`)).status).toBe(200);
    const newHash = await emailHash(workerEnv, newEmail);
    expect((await subscriptionRows(site.id)).filter((s) => s.email_hash === newHash)).toEqual([]);

    expect((await clickLink(site.id, "new-address", token)).status).toBe(200);
    const rows = await subscriptionRows(site.id);
    const oldHash = await emailHash(workerEnv, email);
    expect(rows.filter((s) => s.email_hash === newHash).map((s) => [s.list_id, s.status, s.email]).sort()).toEqual([
      ["blog", "confirmed", newEmail.toLowerCase()],
      ["marketing-email", "confirmed", newEmail.toLowerCase()],
    ]);
    expect(rows.filter((s) => s.email_hash === oldHash).every((s) => s.status === "unsubscribed" && s.email === null)).toBe(true);
    expect((await clickLink(site.id, "new-address", token)).status).toBe(410);
    expect(await historyKinds(id)).toEqual(["received", "verified", "owner_notified", "new_address_sent", "new_address_confirmed", "address_corrected"]);
    await settled(site.id);
  });

  it("a minor's removal goes to the owner, with what the form asked and nothing more (R9.8)", async () => {
    const { site } = await rightsSite();
    const email = newAddress();
    const { id } = await fileRights(site.id, { type: "minor_content_removal", email, contentLocation: "https://penguin.example/forum/123", californiaResident: true });
    await clickLink(site.id, "verify", await verifyTokenFor(site.id, email));
    const row = await rightsRow(id);
    expect(row.status).toBe("open");
    expect(JSON.parse(row.details!)).toEqual({ contentLocation: "https://penguin.example/forum/123", californiaResident: true });
    expect(await mailTo(site.id, OWNER)).toHaveLength(1);
    const minor = (await rightsEvents(site.id)).filter((e) => e.data.type === "minor_content_removal").map((e) => e.type);
    expect(minor).toEqual(["rights.request.received", "rights.request.verified"]);
    await settled(site.id);
  });
});
