/**
 * The widget's own labels on its first layer (the banner, its error line, the embed
 * placeholder's buttons): the one part of the widget's wording a first visit needs. The
 * Worker sends the table for the visitor's language with bootstrap (no extra request before the
 * banner); the widget also builds one `strings-<lang>.js` chunk per language from these files,
 * for the pages that need the labels without bootstrap (its error line, a returning visit's
 * embed placeholders). Plain strings only, so they travel as JSON.
 */

/** The first layer's labels in one language. */
export interface BannerStrings {
  /** The table's BCP 47 code and writing direction. */
  $code: string;
  $dir: "ltr" | "rtl";
  /** Label of the purpose list on the first layer. */
  purposes: string;
  /** The privacy policy and cookie policy links. */
  policy: string;
  cookiePolicy: string;
  /** The three equal choices (R1.3); the preference center uses the same labels (R8.10). */
  acceptAll: string;
  rejectAll: string;
  customize: string;
  /** The one-click US opt-out (R2.5). */
  doNotSell: string;
  /** Opens the preference center from the opt-out notice (R2.5). */
  yourChoices: string;
  /** Closes a notice; never a grant. */
  ok: string;
  /** Bootstrap or the preference center could not be loaded. */
  loadError: string;
  retry: string;
  dismiss: string;
}
