/**
 * The seven Google Consent Mode v2 types (R3.1), in one place for both halves: the Worker's
 * contract validates a category's `consentMode` against them, and the widget sets every one of
 * them to "denied" before anything else runs. Zod-free, so the widget can bundle it.
 */
export const CONSENT_MODE_TYPES = [
  "ad_storage",
  "ad_user_data",
  "ad_personalization",
  "analytics_storage",
  "functionality_storage",
  "personalization_storage",
  "security_storage",
] as const;

/** One Consent Mode type. */
export type ConsentModeType = (typeof CONSENT_MODE_TYPES)[number];
