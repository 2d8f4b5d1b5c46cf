/**
 * Words for the configuration form (./config-form.ts): a label and a line of help for the
 * fields of a site configuration, in a site owner's terms rather than the document's keys.
 * Paths are patterns: `*` stands for any list position or key (`categories.*.vendors`).
 * A field with no entry gets its key spelled out ("retentionDays" → "Retention days").
 */

export interface FieldGuide {
  label?: string;
  help?: string;
  /** What one entry of a list is called ("category"). */
  item?: string;
  /** What a new key of a record is called ("language"). */
  newKey?: string;
  /** A new key starts as a copy of the first (languages: only the wording changes). */
  copyFirst?: boolean;
}

const GUIDE: Record<string, FieldGuide> = {
  id: { label: "Site id", help: "Part of the script tag (data-site) and of every stored key; it cannot be changed here." },
  name: { label: "Site name", help: "Shown to visitors in emails and on the email pages." },
  defaultLocale: { label: "Default language", help: "A language tag such as en or de; visitors whose language the site has no texts for get this one." },
  allowedOrigins: { label: "Allowed origins", help: "The pages that may embed the banner, such as https://www.example.com. Anything else is refused." },
  policy: { label: "Privacy policy" },
  "policy.version": { label: "Policy version", help: "Your own label, stored with every decision. Changing it does not ask anyone again." },
  "policy.url": { label: "Privacy policy address" },
  "policy.lastUpdated": { label: "Last updated" },
  "policy.cookiePolicyUrl": { label: "Cookie policy address" },
  "policy.materialRevision": {
    label: "Material revision",
    help: "Raise it to ask every visitor again after a change the categories and vendors do not show, such as a new use of data already collected.",
  },
  categories: { label: "Categories (purposes)", item: "category", help: "What visitors can allow or refuse. The necessary category is always on." },
  "categories.*.id": { label: "Id", help: "Short, lowercase; the key of the choice in every record and event." },
  "categories.*.required": { label: "Always on (only for necessary)" },
  "categories.*.saleOrSharing": { label: "Sale, sharing or targeted advertising (US)", help: "Turned off by Global Privacy Control and by “Do not sell or share”." },
  "categories.*.consentMode": { label: "Google Consent Mode types it grants" },
  "categories.*.vendors": { label: "Vendors", item: "vendor", help: "Companies that receive or process data for this purpose." },
  "categories.*.vendors.*.policyUrl": { label: "Vendor's privacy policy" },
  "categories.*.vendors.*.thirdParty": { label: "Third party" },
  "categories.*.vendors.*.retentionDays": { label: "Keeps data for (days)" },
  "categories.*.storage": { label: "Cookies and storage", item: "storage item", help: "Every cookie or storage entry this purpose sets, with how long it lasts." },
  "categories.*.storage.*.durationDays": { label: "Lasts (days)", help: "Leave empty for the browser session." },
  "categories.*.storage.*.thirdParty": { label: "Set by a third party" },
  "categories.*.storage.*.domain": { label: "Cookie domain", help: "Where the widget deletes the cookie from when consent is withdrawn." },
  communications: { label: "Email lists", item: "list", help: "Marketing email and newsletters, with double opt-in. Their consent is separate from the banner's." },
  "communications.*.kind": { label: "Kind" },
  "communications.*.textVersion": { label: "Consent wording version", help: "Stored with every signup; raise it when the wording changes." },
  "communications.*.fromAddress": { label: "Sender for this list" },
  regimes: { label: "Where which rules apply" },
  "regimes.rules": { label: "Rules", item: "rule", help: "The first rule that matches a visitor's country or region decides. EU, EEA, UK and Swiss visitors always get opt-in." },
  "regimes.rules.*.regime": { label: "Regime" },
  "regimes.rules.*.countries": { label: "Countries", help: "ISO codes such as US or BR." },
  "regimes.rules.*.regions": { label: "Regions", help: "ISO codes such as US-CA." },
  "regimes.otherwise": { label: "Everywhere else", help: "For a known location no rule matches. An unknown location always gets opt-in." },
  consent: { label: "How long choices last" },
  "consent.lifetimeDays": { label: "A choice that allows something lasts (days)" },
  "consent.refusalDays": { label: "A refusal lasts (days)", help: "At least 180: a refusal must not be asked again soon." },
  "consent.proofRetentionDays": { label: "Proof kept after a choice expires (days)" },
  consentMode: { label: "Google Consent Mode" },
  "consentMode.waitForUpdateMs": { label: "Wait for the update (ms)" },
  texts: { label: "Texts", newKey: "language", copyFirst: true, help: "The wording in each language. Wording never asks anyone again." },
  "texts.*": { label: "Language" },
  "texts.*.banner": { label: "Banner" },
  "texts.*.banner.title": { label: "Banner title" },
  "texts.*.banner.description": { label: "Banner text" },
  "texts.*.categories": { label: "Categories" },
  "texts.*.categories.*": { label: "Category" },
  "texts.*.vendors": { label: "Vendors" },
  "texts.*.vendors.*": { label: "Vendor" },
  "texts.*.vendors.*.purpose": { label: "What they do with the data" },
  "texts.*.communications": { label: "Email lists" },
  "texts.*.communications.*": { label: "List" },
  "texts.*.communications.*.consentText": { label: "Consent wording", help: "What the visitor agrees to when signing up." },
  "texts.*.gpcHonored": { label: "Shown when Global Privacy Control was honoured" },
  theme: { label: "Look" },
  "theme.colorScheme": { label: "Light or dark" },
  "theme.accent": { label: "Button colour", help: "As #rrggbb. It must have a contrast of at least 4.5:1 with the button text colour." },
  "theme.onAccent": { label: "Button text colour" },
  "theme.radiusPx": { label: "Corner radius (px)" },
  widget: { label: "Banner behaviour" },
  "widget.floatingButton": { label: "Show a floating “Privacy choices” button" },
  "widget.cookieMirror": { label: "Also write the choice to this first-party cookie" },
  "widget.revalidateMinutes": { label: "Check for policy changes every (minutes)" },
  email: { label: "Email settings", help: "Required when the site has email lists." },
  "email.fromAddress": { label: "Sender address" },
  "email.fromName": { label: "Sender name" },
  "email.replyTo": { label: "Reply-to address" },
  "email.postalAddress": { label: "Postal address", help: "Printed in every message (CAN-SPAM)." },
  "email.confirmDays": { label: "Confirmation links work for (days)" },
  "email.dailyConfirmationLimit": { label: "Confirmation emails per day, at most" },
  turnstile: { label: "Cloudflare Turnstile on the signup" },
  "turnstile.siteKey": { label: "Turnstile site key" },
  "turnstile.action": { label: "Turnstile action" },
  childDirected: { label: "Directed to children under 13", help: "Turns off every email signup (COPPA)." },
  "categories.*.vendors.*.directMarketing": {
    label: "Receives personal information for its own direct marketing",
    help: "Named, with its postal address, in Shine the Light answers (California).",
  },
  "categories.*.vendors.*.postalAddress": { label: "Vendor's postal address", help: "Required for a direct-marketing vendor when Shine the Light is answered by disclosure." },
  "categories.*.vendors.*.personalInformation": { label: "Categories of personal information it receives", item: "category of information" },
  rights: { label: "Privacy rights requests", help: "The rights page, who hears of requests, and the calendar of their deadlines." },
  "rights.contactEmail": { label: "Privacy contact", help: "Told of new requests, reminded of due dates. Default: the reply-to address." },
  "rights.laws": { label: "Laws whose deadlines apply", help: "With several, the earliest date wins." },
  "rights.timeZone": { label: "Time zone of the deadlines", help: "An IANA name such as America/Los_Angeles or Europe/Berlin." },
  "rights.holidays": { label: "Holidays", item: "date", help: "Dates (YYYY-MM-DD) that are not business days, besides weekends." },
  "rights.california": { label: "California rights", help: "“Your California Privacy Rights”, Shine the Light and minors' content removal." },
  "rights.shineTheLightMode": { label: "How Shine the Light is met", help: "disclosure: answer with the direct-marketing vendors; optout-exemption: customers can opt out of such disclosures." },
  "rights.completeAutomatically": { label: "Close access and deletion requests once Assent fulfilled them", help: "Leave off when you hold personal data elsewhere too." },
  "rights.remindDaysBefore": { label: "Remind the privacy contact (days before due)" },
};

const pattern = (path: (string | number)[]) => path.map((p) => (typeof p === "number" ? "*" : p));

/** The guide entry for a path: exact keys first, then with keys of records as `*`. */
export function guide(path: (string | number)[]): FieldGuide | undefined {
  const p = pattern(path);
  const exact = GUIDE[p.join(".")];
  if (exact) return exact;
  // Record keys (a language, a category id under texts) match `*` too.
  for (let mask = 1; mask < 1 << p.length; mask++) {
    const key = p.map((seg, i) => (mask & (1 << i) ? "*" : seg)).join(".");
    if (GUIDE[key]) return GUIDE[key];
  }
  return undefined;
}

/** "retentionDays" → "Retention days". */
const spell = (key: string) => {
  const words = key.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

/** A field's label; a record's entry is "Label: key" (e.g. "Language: de"). */
export function labelOf(path: (string | number)[]): string {
  const last = path[path.length - 1]!;
  const p = pattern(path);
  const exact = GUIDE[p.join(".")];
  if (exact?.label) return exact.label;
  // An entry of a record (a language under texts, a category under texts.de.categories).
  const entry = typeof last === "string" ? guide([...path.slice(0, -1), "*"]) : undefined;
  if (entry?.label && typeof last === "string" && guide(path) === entry) return `${entry.label}: ${last}`;
  return guide(path)?.label ?? spell(String(last));
}
