/**
 * Signed receipts (#13; R1.14's proof in the visitor's hands): every decision's answer carries a
 * compact JWS signed by the Worker (EdDSA, per-site keys), verifiable offline with any JOSE
 * library against the site's JWK Set at /.well-known/assent/{siteId}/jwks.json. Changed bytes,
 * another site's key or an unknown key id are refused; rotating the key ring keeps old receipts
 * verifiable; the visitor's receipts and export carry them; the signed digest is the one the
 * chain keeps, even after erasure.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { CompactSign, type JSONWebKeySet, compactVerify, createLocalJWKSet } from "jose";
import { describe, expect, it } from "vitest";
import { app } from "../../worker/app";
import type { ConsentResponse, ExportDocument, ReceiptKeySet, ReceiptsResponse } from "../../worker/contract";
import type { Env } from "../../worker/env";
import { linkPending } from "../../worker/proof/chaining";
import { receiptKeys } from "../../worker/proof/receipt-keys";
import { verifyReceipt } from "../../worker/proof/receipts";
import { BASE, ORIGIN, auth, b64url, call, decisionBody, decisionRequest, expectNothingWritten, expectProblem, flippedByte, freshSite, getMe, ledgerRows, newVisitor } from "./helpers";

const workerEnv = env as unknown as Env;

/** A site's published JWK Set, as a verifier fetches it. */
async function jwks(siteId: string, e?: Env): Promise<JSONWebKeySet> {
  const req = new Request(`${BASE}/.well-known/assent/${siteId}/jwks.json`);
  const res = e ? await app.fetch(req, e, createExecutionContext()) : await call(`/.well-known/assent/${siteId}/jwks.json`);
  expect(res.status).toBe(200);
  return (await res.json()) as ReceiptKeySet as JSONWebKeySet;
}

/** POSTs a decision through `app` with another environment (another key ring). */
async function decideWith(e: Env, site: { id: string; fingerprint: string; textHash: string }, token?: string): Promise<ConsentResponse> {
  const ctx = createExecutionContext();
  const res = await app.fetch(decisionRequest(site.id, decisionBody(site), token ? { token } : {}), e, ctx);
  await waitOnExecutionContext(ctx);
  expect(res.status).toBeLessThan(300);
  return (await res.json()) as ConsentResponse;
}

const decode = (part: string) => JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(part.replaceAll("-", "+").replaceAll("_", "/")), (c) => c.charCodeAt(0))));
const encode = (value: unknown) => b64url(new TextEncoder().encode(JSON.stringify(value)));

describe("a decision's answer carries a signed receipt (R1.14)", () => {
  it("verifies with jose against the site's JWK Set, and states what the receipt says", async () => {
    const site = await freshSite();
    const answer = await newVisitor(site, { action: "reject_all" });
    const jws = answer.receipt.jws!;
    expect(jws.split(".")).toHaveLength(3);

    // What any verifier does: fetch the set, verify the compact JWS.
    const { payload, protectedHeader } = await compactVerify(jws, createLocalJWKSet(await jwks(site.id)));
    expect(protectedHeader).toEqual({ alg: "EdDSA", kid: "s1", typ: "assent-receipt" });
    const claims = JSON.parse(new TextDecoder().decode(payload));
    expect(claims).toEqual({
      format: "assent-receipt/1",
      site: site.id,
      receipt: answer.receipt.id,
      seq: answer.preferences.version,
      recordedAt: answer.receipt.recordedAt,
      action: "reject_all",
      categories: answer.receipt.categories,
      policyFingerprint: site.fingerprint,
      textHash: site.textHash,
      rowDigest: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(JSON.stringify(claims)).not.toContain(answer.visitorId);
    expect(await verifyReceipt(jws, await jwks(site.id), site.id)).toMatchObject({ ok: true, kid: "s1", claims });

    // The digest it signs is the one the chain links a minute later.
    await linkPending(env, 10_000);
    const entry = await env.LEDGER.prepare(`SELECT row_digest FROM ledger_chain WHERE site_id = ?1 AND receipt_id = ?2`).bind(site.id, answer.receipt.id).first<{ row_digest: string }>();
    expect(entry!.row_digest).toBe(claims.rowDigest);
  });

  it("the JWK Set is public, cacheable and readable from any origin; an unknown site has none", async () => {
    const site = await freshSite();
    const res = await call(`/.well-known/assent/${site.id}/jwks.json`, { headers: { Origin: "https://auditor.example" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(res.headers.get("Cache-Control")).toBe("public, max-age=3600");
    const set = (await res.json()) as ReceiptKeySet;
    expect(set.keys).toEqual([{ kty: "OKP", crv: "Ed25519", x: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), kid: "s1", alg: "EdDSA", use: "sig" }]);
    expect(JSON.stringify(set)).not.toContain('"d"');
    await expectProblem(await call(`/.well-known/assent/no-such-site-${crypto.randomUUID().slice(0, 8)}/jwks.json`), 404, "site_not_found");
    await expectProblem(await call(`/.well-known/assent/Not_A_Site/jwks.json`), 400, "invalid_site_id");
  });

  it("a replay answers the same signed receipt; the visitor's receipts and export carry every one, each verifying", async () => {
    const site = await freshSite();
    const key = crypto.randomUUID();
    const first = (await (await call(`/v1/sites/${site.id}/consents`, { method: "POST", headers: { "Content-Type": "application/json", Origin: ORIGIN, "Idempotency-Key": key }, body: JSON.stringify(decisionBody(site)) })).json()) as ConsentResponse;
    const replay = (await (await call(`/v1/sites/${site.id}/consents`, { method: "POST", headers: { "Content-Type": "application/json", Origin: ORIGIN, "Idempotency-Key": key }, body: JSON.stringify(decisionBody(site)) })).json()) as ConsentResponse;
    expect(replay.replayed).toBe(true);
    expect(replay.receipt.jws).toBe(first.receipt.jws);

    const second = (await (await call(`/v1/sites/${site.id}/consents`, { method: "POST", headers: { "Content-Type": "application/json", Origin: ORIGIN, "Idempotency-Key": crypto.randomUUID(), ...auth(first.token!) }, body: JSON.stringify(decisionBody(site, { action: "reject_all" })) })).json()) as ConsentResponse;
    const set = await jwks(site.id);
    const listed = (await (await getMe(site.id, second.token!, "/receipts")).json()) as ReceiptsResponse;
    const exported = (await (await getMe(site.id, second.token!, "/export")).json()) as ExportDocument;
    for (const receipts of [listed.receipts, exported.receipts]) {
      expect(receipts.map((r) => r.jws)).toEqual([first.receipt.jws, second.receipt.jws]);
      for (const r of receipts) expect(await verifyReceipt(r.jws!, set, site.id)).toMatchObject({ ok: true, claims: { receipt: r.id, action: r.action } });
    }
  });

  it("after erasure the receipt still verifies and its digest is still in the chain, with the row and the person gone (R9.2)", async () => {
    const site = await freshSite();
    const answer = await newVisitor(site);
    await linkPending(env, 10_000);
    expect((await call(`/v1/sites/${site.id}/me`, { method: "DELETE", headers: { Origin: ORIGIN, ...auth(answer.token!) } })).status).toBe(200);
    expect(await ledgerRows(site.id)).toEqual([]);
    const check = await verifyReceipt(answer.receipt.jws!, await jwks(site.id), site.id);
    expect(check.ok).toBe(true);
    const entry = await env.LEDGER.prepare(`SELECT removed, receipt_id FROM ledger_chain WHERE site_id = ?1 AND row_digest = ?2`).bind(site.id, check.ok ? check.claims.rowDigest : "").first<{ removed: string; receipt_id: string }>();
    expect(entry).toMatchObject({ removed: "erasure" });
    expect(entry!.receipt_id).not.toBe(answer.receipt.id);
  });
});

describe("a receipt that was not signed by the site's current ring is refused", () => {
  it("a changed byte in the claims or in the signature → signature", async () => {
    const site = await freshSite();
    const { receipt } = await newVisitor(site, { action: "reject_all" });
    const [header, payload, signature] = receipt.jws!.split(".") as [string, string, string];
    const set = await jwks(site.id);
    // The claims rewritten to say the visitor accepted: other bytes, the same signature.
    const claims = decode(payload);
    const accepted = encode({ ...claims, action: "accept_all", categories: Object.fromEntries(Object.keys(claims.categories).map((k) => [k, true])) });
    expect(await verifyReceipt(`${header}.${accepted}.${signature}`, set, site.id)).toMatchObject({ ok: false, reason: "signature" });
    for (const index of [0, 31, 63])
      expect(await verifyReceipt(`${header}.${payload}.${flippedByte(signature, index)}`, set, site.id)).toMatchObject({ ok: false, reason: "signature" });
    expect(await verifyReceipt(`${header}.${payload}.${signature}`, set, site.id)).toMatchObject({ ok: true });
  });

  it("another site's key: a receipt does not verify with another site's set, nor one signed with another site's key", async () => {
    const [a, b] = [await freshSite(), await freshSite()];
    const { receipt } = await newVisitor(a);
    const [setA, setB] = [await jwks(a.id), await jwks(b.id)];
    expect(setA.keys[0]!.x).not.toBe(setB.keys[0]!.x);
    expect(await verifyReceipt(receipt.jws!, setB, b.id)).toMatchObject({ ok: false, reason: "signature" });
    // Site A's claims signed with site B's key (same key id): refused by site A's set.
    const [keyB] = await receiptKeys(workerEnv, b.id);
    const forged = await new CompactSign(new TextEncoder().encode(JSON.stringify(decode(receipt.jws!.split(".")[1]!))))
      .setProtectedHeader({ alg: "EdDSA", kid: keyB!.kid, typ: "assent-receipt" })
      .sign(keyB!.privateKey);
    expect(await verifyReceipt(forged, setA, a.id)).toMatchObject({ ok: false, reason: "signature" });
    // Checked against site B's set, it is B's signature over A's claims: the site claim refuses it.
    expect(await verifyReceipt(forged, setB, b.id)).toMatchObject({ ok: false, reason: "other_site" });
  });

  it("an unknown key id, a JWS that is not a receipt, and garbage are refused", async () => {
    const site = await freshSite();
    const { receipt } = await newVisitor(site);
    const [header, payload, signature] = receipt.jws!.split(".") as [string, string, string];
    const set = await jwks(site.id);
    expect(await verifyReceipt(`${encode({ ...decode(header), kid: "k-gone" })}.${payload}.${signature}`, set, site.id)).toMatchObject({ ok: false, reason: "unknown_key" });
    const [key] = await receiptKeys(workerEnv, site.id);
    const notReceipt = await new CompactSign(new TextEncoder().encode('{"hello":"world"}')).setProtectedHeader({ alg: "EdDSA", kid: "s1", typ: "JWT" }).sign(key!.privateKey);
    expect(await verifyReceipt(notReceipt, set, site.id)).toMatchObject({ ok: false, reason: "malformed" });
    const badClaims = await new CompactSign(new TextEncoder().encode('{"hello":"world"}')).setProtectedHeader({ alg: "EdDSA", kid: "s1", typ: "assent-receipt" }).sign(key!.privateKey);
    expect(await verifyReceipt(badClaims, set, site.id)).toMatchObject({ ok: false, reason: "claims" });
    for (const junk of ["", "a.b", "a.b.c", `${header}.${payload}`, "x".repeat(5000)])
      expect(await verifyReceipt(junk, set, site.id)).toMatchObject({ ok: false, reason: "malformed" });
  });
});

describe("the receipt key ring rotates like the other keys", () => {
  it("a new key in front signs; receipts of the old key keep verifying; a key taken out of the ring no longer verifies", async () => {
    const site = await freshSite();
    const before = await newVisitor(site);
    const rotated: Env = { ...workerEnv, RECEIPT_KEYS: `r2:${b64url(crypto.getRandomValues(new Uint8Array(32)))},s1` };
    const after = await decideWith(rotated, site, before.token);
    expect(JSON.parse(atob(after.receipt.jws!.split(".")[0]!.replaceAll("-", "+").replaceAll("_", "/"))).kid).toBe("r2");

    const set = await jwks(site.id, rotated);
    expect(set.keys.map((k) => k.kid)).toEqual(["r2", "s1"]);
    expect(await verifyReceipt(before.receipt.jws!, set, site.id)).toMatchObject({ ok: true, kid: "s1" });
    expect(await verifyReceipt(after.receipt.jws!, set, site.id)).toMatchObject({ ok: true, kid: "r2" });
    // Why the docs say never to remove a key: what it signed can no longer be checked.
    const dropped: Env = { ...rotated, RECEIPT_KEYS: rotated.RECEIPT_KEYS!.split(",")[0]! };
    expect(await verifyReceipt(before.receipt.jws!, await jwks(site.id, dropped), site.id)).toMatchObject({ ok: false, reason: "unknown_key" });
  });

  it("a malformed ring refuses the decision before anything is written: 500 server_misconfigured", async () => {
    const site = await freshSite();
    for (const ring of ["nokid", "k1:short", "s1:0123456789abcdef0123456789abcdef", "r1:0123456789abcdef0123456789abcdefXX,r1:0123456789abcdef0123456789abcdefYY"]) {
      const ctx = createExecutionContext();
      const res = await app.fetch(decisionRequest(site.id, decisionBody(site)), { ...workerEnv, RECEIPT_KEYS: ring }, ctx);
      await waitOnExecutionContext(ctx);
      await expectProblem(res, 500, "server_misconfigured");
    }
    await expectNothingWritten(site.id);
  });
});

describe("rows recorded before receipts were signed", () => {
  it("are listed without a signature until the chaining step gives them their salt, then signed", async () => {
    const site = await freshSite();
    const answer = await newVisitor(site);
    await env.LEDGER.prepare(`UPDATE ledger SET salt = NULL WHERE site_id = ?1`).bind(site.id).run();
    const unsalted = (await (await getMe(site.id, answer.token!, "/receipts")).json()) as ReceiptsResponse;
    expect(unsalted.receipts).toHaveLength(1);
    expect(unsalted.receipts[0]!.jws).toBeUndefined();
    await linkPending(env, 10_000);
    const salted = (await (await getMe(site.id, answer.token!, "/receipts")).json()) as ReceiptsResponse;
    expect(await verifyReceipt(salted.receipts[0]!.jws!, await jwks(site.id), site.id)).toMatchObject({ ok: true });
  });
});
