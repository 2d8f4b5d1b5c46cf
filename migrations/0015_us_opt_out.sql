-- The US opt-out state of each decision (R0.3), kept apart from the consent booleans in
-- `categories`, and the category-to-Consent-Mode mapping in force (R3.4). Written by
-- worker/consent/store/ledger.ts for every decision from now on.
--
-- Rows recorded before this migration: GPC and opt-out requests filed through the rights pages
-- (widget_version 'rights-request') were opt-outs and say so; a refusal of a sale-or-sharing
-- category under opt-out rules cannot be told apart in SQL (which categories are sale or sharing
-- is in the site's config), so it stays 0 there. Their mapping reads 'unrecorded': it is part
-- of the policy fingerprint, so the site version with the row's fingerprint (site_versions) has it.
ALTER TABLE ledger ADD COLUMN sale_sharing_opt_out INTEGER NOT NULL DEFAULT 0;
ALTER TABLE ledger ADD COLUMN targeted_ads_opt_out INTEGER NOT NULL DEFAULT 0;
ALTER TABLE ledger ADD COLUMN consent_mode_mapping TEXT NOT NULL DEFAULT 'unrecorded';
UPDATE ledger SET sale_sharing_opt_out = 1, targeted_ads_opt_out = 1 WHERE gpc = 1 OR widget_version = 'rights-request';
