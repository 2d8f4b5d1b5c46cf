/** English (the fallback for every language without a table). Sent with bootstrap, and built into
 * `strings-en.js` for the pages that need the labels without it (./types.ts). */
import type { BannerStrings } from "./types";

export const banner: BannerStrings = {
  $code: "en",
  $dir: "ltr",
  purposes: "Purposes",
  policy: "Privacy policy",
  cookiePolicy: "Cookie policy",
  acceptAll: "Accept all",
  rejectAll: "Reject all",
  customize: "Customize",
  doNotSell: "Do Not Sell or Share My Personal Information",
  yourChoices: "Your Privacy Choices",
  ok: "OK",
  loadError: "Your privacy settings could not be loaded.",
  retry: "Retry",
  dismiss: "Dismiss",
};
