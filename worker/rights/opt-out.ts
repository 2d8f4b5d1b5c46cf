/**
 * An opt-out of sale/sharing filed by a browser that holds its visitor token (R9.4: "record a
 * decision in the ledger like any opt-out"): besides the request in the log, a decision is
 * recorded in the proof ledger for that visitor, exactly as the widget records one — the
 * visitor's latest choices with every `saleOrSharing` category turned off (a first decision, when
 * there is none, refuses everything optional), surface `api`, the site's current fingerprint and
 * wording hash — with its `consent.updated` webhook and the KV record settled when it is kept.
 *
 * Nothing extra is asked: the token only says which browser's record to change. The rights
 * page's form has no token, so its opt-outs are requests only (docs/rights.md).
 */
import { expiresAt as expiresAtOf, lifetimeDays, resolveDecision } from "../../shared/consent-rules";
import { type GeoHints, edgeDecision, uaFamily } from "../consent/policy";
import { latestDecisionStatement, newReceiptId, recordDecision, retainUntil, toLatest } from "../consent/store/ledger";
import { putPreferences } from "../consent/store/prefs";
import { preferencesOf, settleVisitorRecord } from "../consent/visitor-record";
import type { Env } from "../env";
import { canonicalJson } from "../lib/canonical-json";
import { storage } from "../lib/errors";
import { sha256Hex } from "../lib/sha256";
import type { VisitorCredential } from "../middleware/visitor-auth";
import type { LoadedSite } from "../sites/store";

/** What the widget version of such a decision says: it came from a rights request. */
export const OPT_OUT_WIDGET_VERSION = "rights-request";

/** Where the request came from, for the decision's coarse location and browser family. */
export interface OptOutContext {
  locale: string;
  cf: GeoHints;
  secGpc: string | null | undefined;
  userAgent: string | null | undefined;
  now: Date;
}

/**
 * Records the opt-out decision of a visitor; its receipt id and the webhook events it queued, or
 * null when the visitor's tokens were revoked meanwhile (nothing recorded).
 */
export async function recordOptOutDecision(env: Env, site: LoadedSite, visitor: VisitorCredential, ctx: OptOutContext): Promise<{ receiptId: string; webhooksQueued: number } | null> {
  const { config, fingerprint, consentModeMapping } = site;
  const { results } = await storage("ledger read", () => latestDecisionStatement(env, config.id, visitor.v).all());
  const latest = toLatest(results);
  const choices: Record<string, boolean> = {};
  for (const c of config.categories) if (!c.required) choices[c.id] = !c.saleOrSharing && latest?.receipt.categories[c.id] === true;
  const decision = resolveDecision(config.categories, "custom", choices, false);
  const edge = edgeDecision(config.regimes, ctx.cf, ctx.secGpc);
  const recordedAt = ctx.now.toISOString();
  // An opt-out request is an opt-out wherever the visitor is (R0.3), and holds 12 months (R2.7).
  const usOptOut = { saleSharing: true, targetedAds: true };
  const expiresAt = expiresAtOf(ctx.now.getTime(), lifetimeDays("decision", config.categories, decision.categories, config.consent, usOptOut));
  const textHash = site.textHashes[ctx.locale] ?? site.textHashes[config.defaultLocale]!;
  const receiptId = newReceiptId();
  const requestHash = await sha256Hex(
    canonicalJson({ action: "custom", categories: decision.categories, policyFingerprint: fingerprint, locale: ctx.locale, gpc: edge.gpc, widgetVersion: OPT_OUT_WIDGET_VERSION, textHash, surface: "api" }),
  );
  const { stored, webhooksQueued, lists, kept, revoked } = await recordDecision(
    env,
    {
      receiptId,
      siteId: config.id,
      visitorId: visitor.v,
      idempotencyKey: crypto.randomUUID(),
      requestHash,
      recordedAt,
      action: "custom",
      surface: "api",
      categories: decision.categories,
      policyVersion: config.policy.version,
      policyLastUpdated: config.policy.lastUpdated,
      policyFingerprint: fingerprint,
      textHash,
      widgetVersion: OPT_OUT_WIDGET_VERSION,
      locale: ctx.locale,
      regime: edge.regime,
      jurisdiction: edge.jurisdiction,
      country: edge.country,
      gpc: edge.gpc,
      gpcApplied: false,
      usOptOut,
      consentModeMapping,
      uaFamily: uaFamily(ctx.userAgent),
      expiresAt: expiresAt.toISOString(),
      retainUntil: retainUntil(ctx.now, expiresAt, config.consent.proofRetentionDays, usOptOut).toISOString(),
    },
    { subjects: visitor.subjects, iat: visitor.iat },
    ctx.now,
  );
  if (revoked || !stored) return null;
  if (kept) {
    const preferences = preferencesOf(stored, lists);
    await putPreferences(env, preferences);
    await settleVisitorRecord(env, config.id, visitor.v, preferences);
  }
  return { receiptId, webhooksQueued };
}
