/**
 * GET /.well-known/assent/{siteId}/jwks.json: the public keys that verify a site's signed
 * receipts (./receipts.ts), a JWK Set (RFC 7517) with a key id per key, every key of the ring
 * (./receipt-keys.ts), so receipts signed before a rotation keep verifying.
 *
 * Public and readable from any origin (`Access-Control-Allow-Origin: *`): a visitor, an auditor
 * or a regulator verifies a receipt with nothing but this document. Cached for an hour: keys
 * are only ever added in front, so a cached set at worst lacks a key minted within the hour.
 */
import { Hono } from "hono";
import { cors } from "hono/cors";
import type { ReceiptKeySet } from "../contract";
import { type SiteEnv, siteLoader } from "../middleware/site";
import { receiptJwks } from "./receipt-keys";

/** Seconds a JWK Set may be cached. */
export const JWKS_MAX_AGE_SECONDS = 3600;

/** Mounted at /.well-known/assent/:siteId (worker/app.ts). */
export const receiptKeyRoutes = new Hono<SiteEnv>().get("/jwks.json", cors({ origin: "*", allowMethods: ["GET"] }), siteLoader, async (c) => {
  const body: ReceiptKeySet = await receiptJwks(c.env, c.get("site").config.id);
  c.header("Cache-Control", `public, max-age=${JWKS_MAX_AGE_SECONDS}`);
  return c.json(body);
});
