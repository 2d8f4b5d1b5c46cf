/**
 * A ledger row as D1 stores it (migrations 0001, 0015, 0016), on its own so that the proof's
 * modules that read rows back from the archive (worker/proof/segments.ts, archive-store.ts,
 * archived-rows.ts) take its shape without importing the ledger's store, which imports them.
 */
export interface LedgerRow {
  seq: number;
  receipt_id: string;
  site_id: string;
  visitor_id: string;
  idempotency_key: string;
  request_hash: string;
  recorded_at: string;
  action: string;
  surface: string;
  categories: string;
  policy_version: string;
  policy_last_updated: string;
  policy_fingerprint: string;
  text_hash: string;
  widget_version: string;
  locale: string;
  regime: string;
  jurisdiction: string | null;
  country: string | null;
  gpc: number;
  gpc_applied: number;
  sale_sharing_opt_out: number;
  targeted_ads_opt_out: number;
  consent_mode_mapping: string;
  /** The row's salt in its chain digest (null for rows recorded before the chain, until chained). */
  salt: string | null;
  ua_family: string;
  prev_receipt_id: string | null;
  expires_at: string;
  retain_until: string;
}
