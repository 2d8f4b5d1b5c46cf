/**
 * API keys and webhook endpoints in the console: a key made there opens the site owner API and
 * stops when revoked; webhook endpoints are the admin API's own routes behind the console's
 * sign-in (owners only: they carry signing secrets), with a test event delivered and every
 * change in the audit log.
 */
import { describe, expect, it } from "vitest";
import type { WebhookEndpoint } from "../../worker/contract";
import { auditRows, consoleCall, freshEmail, grant, signIn } from "./console-helpers";
import { auth, call, expectProblem, freshSite } from "./helpers";
import { receiver, settled, useFakeReceiver } from "./webhook-helpers";

useFakeReceiver();

async function people(siteId: string) {
  const owner = freshEmail("owner");
  const viewer = freshEmail("viewer");
  await grant(siteId, owner, "owner");
  await grant(siteId, viewer, "viewer");
  return { owner, o: await signIn(owner), v: await signIn(viewer) };
}

describe("API keys in the console", () => {
  it("an owner creates a key that opens the site owner API, lists it without its secret, and revokes it", async () => {
    const site = await freshSite();
    const { owner, o, v } = await people(site.id);
    const created = await consoleCall(o, `/api/sites/${site.id}/keys`, { method: "POST", body: JSON.stringify({ label: "CRM sync" }) });
    expect(created.status).toBe(201);
    const key = (await created.json()) as { id: string; secret: string; label: string };
    expect(key.secret).toMatch(/^ask_[A-Za-z0-9_-]{43}$/);

    const adminCall = () => call(`/v1/sites/${site.id}/admin/lists/blog/subscribers`, { headers: auth(key.secret) });
    expect((await adminCall()).status).toBe(200);

    const listed = (await (await consoleCall(v, `/api/sites/${site.id}/keys`)).json()) as { keys: Record<string, unknown>[] };
    expect(listed.keys).toEqual([{ id: key.id, label: "CRM sync", createdAt: expect.any(String), lastUsedAt: expect.any(String), revokedAt: null }]);
    expect(JSON.stringify(listed)).not.toContain(key.secret);

    await expectProblem(await consoleCall(v, `/api/sites/${site.id}/keys`, { method: "POST", body: JSON.stringify({ label: "x" }) }), 403, "owner_only");
    await expectProblem(await consoleCall(v, `/api/sites/${site.id}/keys/${key.id}`, { method: "DELETE" }), 403, "owner_only");
    expect((await consoleCall(o, `/api/sites/${site.id}/keys/${key.id}`, { method: "DELETE" })).status).toBe(204);
    await expectProblem(await adminCall(), 401, "api_key_invalid");
    await expectProblem(await consoleCall(o, `/api/sites/${site.id}/keys/${key.id}`, { method: "DELETE" }), 404, "not_found");
    await expectProblem(await consoleCall(o, `/api/sites/${site.id}/keys/nope`, { method: "DELETE" }), 422, "invalid_path");
    await expectProblem(await consoleCall(o, `/api/sites/${site.id}/keys`, { method: "POST", body: JSON.stringify({ label: "<script>" }) }), 422, "invalid_body");
    const keyAudit = (await auditRows(site.id)).filter((r) => r.action.startsWith("key."));
    expect(keyAudit.map((r) => [r.action, r.actor, r.target])).toEqual([
      ["key.create", owner, key.id],
      ["key.revoke", owner, key.id],
    ]);
    // The revocation starts from the list the creation ended with.
    expect(keyAudit[1]!.before_fp).toBe(keyAudit[0]!.after_fp);
    expect(keyAudit[1]!.after_fp).not.toBe(keyAudit[1]!.before_fp);
  });

  it("an owner of one site cannot revoke another site's key, even knowing its id (R7.12)", async () => {
    const [a, b] = [await freshSite(), await freshSite()];
    const pa = await people(a.id);
    const pb = await people(b.id);
    const key = (await (await consoleCall(pb.o, `/api/sites/${b.id}/keys`, { method: "POST", body: JSON.stringify({ label: "b" }) })).json()) as { id: string; secret: string };
    await expectProblem(await consoleCall(pa.o, `/api/sites/${a.id}/keys/${key.id}`, { method: "DELETE" }), 404, "not_found");
    await expectProblem(await consoleCall(pa.o, `/api/sites/${b.id}/keys/${key.id}`, { method: "DELETE" }), 404, "not_found");
    expect((await call(`/v1/sites/${b.id}/admin/lists/blog/subscribers`, { headers: auth(key.secret) })).status).toBe(200);
  });
});

describe("webhook endpoints in the console", () => {
  it("an owner adds an endpoint, sends a test event that arrives signed, reads the delivery log and deletes it; each change audited", async () => {
    const site = await freshSite();
    const { owner, o } = await people(site.id);
    const url = `https://hooks.test/${crypto.randomUUID()}`;
    const added = await consoleCall(o, `/api/sites/${site.id}/webhooks`, { method: "POST", body: JSON.stringify({ url, description: "CRM" }) });
    expect(added.status).toBe(201);
    const endpoint = (await added.json()) as WebhookEndpoint;
    expect(endpoint.secret).toMatch(/^whsec_/);

    const test = await consoleCall(o, `/api/sites/${site.id}/webhooks/${endpoint.id}/test`, { method: "POST" });
    expect(test.status).toBe(202);
    await settled(site.id);
    const got = receiver.received.filter((r) => r.url === url);
    expect(got).toHaveLength(1);
    expect(JSON.parse(got[0]!.body)).toMatchObject({ type: "webhook.test" });
    expect(got[0]!.headers["webhook-signature"]).toMatch(/^v1,/);

    const log = (await (await consoleCall(o, `/api/sites/${site.id}/webhooks/${endpoint.id}/deliveries`)).json()) as { deliveries: { type: string; status: string }[] };
    expect(log.deliveries).toMatchObject([{ type: "webhook.test", status: "delivered" }]);

    expect((await consoleCall(o, `/api/sites/${site.id}/webhooks/${endpoint.id}`, { method: "DELETE" })).status).toBe(204);
    expect(((await (await consoleCall(o, `/api/sites/${site.id}/webhooks`)).json()) as { endpoints: unknown[] }).endpoints).toEqual([]);

    const audit = (await auditRows(site.id)).filter((r) => r.action.startsWith("webhook."));
    expect(audit.map((r) => [r.action, r.actor])).toEqual([
      ["webhook.add", owner],
      ["webhook.test", owner],
      ["webhook.delete", owner],
    ]);
    // The list before the addition and after the deletion are the same (empty) list.
    expect(audit[0]!.before_fp).toBe(audit[2]!.after_fp);
    expect(audit[0]!.after_fp).not.toBe(audit[0]!.before_fp);
  });

  it("a viewer sees no endpoint (secrets), a stranger nothing, a foreign origin changes nothing, a bad URL is refused", async () => {
    const site = await freshSite();
    const { o, v } = await people(site.id);
    await expectProblem(await consoleCall(v, `/api/sites/${site.id}/webhooks`), 403, "owner_only");
    const stranger = freshEmail();
    await grant((await freshSite()).id, stranger, "owner");
    await expectProblem(await consoleCall(await signIn(stranger), `/api/sites/${site.id}/webhooks`), 404, "not_found");
    const body = JSON.stringify({ url: `https://hooks.test/${crypto.randomUUID()}` });
    await expectProblem(await consoleCall(o, `/api/sites/${site.id}/webhooks`, { method: "POST", body, origin: "https://evil.example" }), 403, "origin_refused");
    await expectProblem(await consoleCall(o, `/api/sites/${site.id}/webhooks`, { method: "POST", body: JSON.stringify({ url: "https://169.254.169.254/latest" }) }), 422, "invalid_webhook_url");
    expect(((await (await consoleCall(o, `/api/sites/${site.id}/webhooks`)).json()) as { endpoints: unknown[] }).endpoints).toEqual([]);
    expect((await auditRows(site.id)).filter((r) => r.action.startsWith("webhook."))).toEqual([]);
  });
});
