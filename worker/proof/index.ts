/**
 * worker/proof: the proof ledger made verifiable (#13). Every ledger row (worker/consent/store/
 * ledger.ts) keeps a random salt; the chaining step appends the rows to their sites' hash chains
 * in the order they were recorded (docs/proof.md says why after the decision, not inside it).
 *
 * - chain.ts: the digest and link functions, pure (shared with the `npm run ledger` CLI)
 * - store.ts: every D1 statement about `ledger_chain` and its progress
 * - chaining.ts: the per-minute step that appends and links the rows recorded since its last run
 * - verify.ts: the walk that names the first position where a site's chain does not hold
 * - receipt-keys.ts: the per-site Ed25519 keys derived from the RECEIPT_KEYS ring
 * - site-jws.ts: the compact JWS receipts and manifests share (signing, opening against a JWK Set)
 * - receipts.ts: signing a decision's receipt (a compact JWS) and verifying one against a JWK Set
 * - routes.ts: the JWK Set each site publishes
 * - segments.ts: what a sealed segment and its manifest hold, and the check of one (pure, shared with the CLI)
 * - seal.ts: sealing past days into the ARCHIVE bucket, rewriting segments after erasures
 * - evict.ts: the hot window: sealed days older than it leave D1 (LEDGER_HOT_DAYS, default 90)
 * - archive-store.ts: every D1 statement about the slim index of rows that left D1 (`ledger_archived`)
 * - archived-rows.ts: reading those rows back from their segments (receipts, exports, searches)
 * - verify-seals.ts: the walk that names the first position where a site's segments do not hold
 * - verifications.ts: verifying every chain and its segments in passes (the crons, the console's "Verify now")
 */
export { linkPending } from "./chaining";
export { d1ChainSource, verifyChain } from "./verify";
export { receiptSigner, verifyReceipt } from "./receipts";
export { receiptKeyRoutes } from "./routes";
export { resealStale, sealDays } from "./seal";
export { evictPastWindow, sweepHot } from "./evict";
export { d1SealSource, verifySeals } from "./verify-seals";
export { VERIFY_ENTRIES_PER_DAY_RUN, VERIFY_ENTRIES_PER_MINUTE, VERIFY_NOW_ENTRIES, advanceVerification, runVerifications, verificationOf } from "./verifications";
