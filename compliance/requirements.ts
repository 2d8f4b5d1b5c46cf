/**
 * Every requirement of the compliance matrix, in the order of the project's requirements
 * document. The ids (`R1.3`) and levels (MUST, MUST NOT, SHOULD, MAY) are that document's; the
 * section names and the statements are ours: one line each saying what Assent does to meet the
 * requirement, which is sometimes not what the document suggested (the proof ledger lives in D1,
 * not KV; the visitor id is made by the Worker at the first decision). A requirement about a
 * feature Assent deliberately does not have says so in `notApplicable`; every other MUST needs a
 * test that cites its id (see ./matrix.ts).
 */
import type { Level, Requirement } from "./requirement";

/** The document's sections, by id prefix, with the short names the matrix shows. */
export const SECTIONS = {
  R0: "Data model",
  R1: "GDPR and ePrivacy consent",
  R2: "US privacy and GPC",
  R3: "Google Consent Mode",
  R4: "TCF and GPP",
  R5: "Email",
  R6: "Cloudflare platform",
  R7: "Identity and security",
  R8: "Accessibility",
  R9: "Rights and retention",
} as const;

/** A section's id prefix, e.g. "R1". */
export type SectionKey = keyof typeof SECTIONS;

/** A requirement id within a known section, e.g. "R1.3" (a typo in the prefix does not compile). */
type RequirementId = `${SectionKey}.${number}`;

/** One requirement; its section follows from its id, so the two can never disagree. */
function req(id: RequirementId, level: Level, statement: string, notApplicable?: string): Requirement {
  const section = SECTIONS[id.slice(0, id.indexOf(".")) as SectionKey];
  return notApplicable === undefined ? { id, level, section, statement } : { id, level, section, statement, notApplicable };
}

/** The same requirement, with what Assent does not (yet) do of it (shown beside its status). */
function gap(requirement: Requirement, text: string): Requirement {
  return { ...requirement, gap: text };
}

/** Every requirement, in document order. */
export const REQUIREMENTS: readonly Requirement[] = Object.freeze([
  // R0. Data model and scope
  req("R0.1", "MUST", "Sites define their categories beside a mandatory, always-on necessary; each lists vendors, storage with durations, and a title and description per locale"),
  req("R0.2", "MUST", "Email lists are consents of their own, keyed by the confirmed address, with their own wording version and double opt-in; no banner action touches them"),
  req("R0.3", "MUST", "Each decision states the US opt-out (saleSharing, targetedAds) apart from consent, the record keeps the last GPC value and time, and shared rules combine them"),
  req("R0.4", "SHOULD", "Bootstrap picks the regime from Cloudflare's location: EU/EEA/UK/CH and unknown locations always get opt-in, and GPC is honoured under every regime"),

  // R1. GDPR and ePrivacy consent
  req("R1.1", "MUST", "Before a choice under opt-in rules, gated scripts and embeds stay inert, the widget stores nothing on the device, and it contacts only the Worker"),
  req("R1.2", "MUST", "No visitor id exists before the first decision: the Worker makes one then and returns its token; an acknowledged notice stores no id"),
  req("R1.3", "MUST", "Accept all, Reject all and Customize are three real buttons on the first layer, one element, class and style, so Reject weighs exactly what Accept does"),
  req("R1.4", "MUST", "Every optional switch is off until the visitor turns it on; necessary shows on and disabled, with an always-on note"),
  req("R1.5", "MUST", "The preference center has one switch per category and Save records exactly those switches, so usage data can be granted on its own"),
  req("R1.6", "MUST", "The banner lists the purposes and links the privacy and cookie policies; Customize shows each category's vendors, party, retention and storage durations"),
  req("R1.7", "MUST", "Only a button grants: the banner has no ×, ignores Escape and never closes by itself; Escape or Close in the preference center saves nothing"),
  req("R1.8", "MUST", "The banner is a non-modal region that hides no page content: after Reject all the whole page stays usable, and Assent builds no cookie wall"),
  gap(
    req("R1.9", "MUST", "The same buttons show at every width, in the page's language; Save grants only the visible switches, and the banner has no slot for offers"),
    "the preference center (the second layer, never the banner) also holds the email-list signup, by the product's design",
  ),
  req("R1.10", "MUST", 'Footer links (data-assent="open-preferences"), a floating button and assent.open() reopen choices; a withdrawal denies in Consent Mode and deletes known cookies'),
  req("R1.11", "MUST", "The preference center opens on the visitor's current effective choices from the stored record, never on defaults"),
  req("R1.12", "MUST", "A refusal is kept for consent.refusalDays (180 to 395) and the banner stays away until then, unless a material change alters the policy fingerprint"),
  req("R1.13", "SHOULD", "Grants last consent.lifetimeDays (default 180, at most 395); an expired record counts as no decision, and the KV copy expires with it"),
  req("R1.14", "MUST", "Each decision appends a D1 ledger row: receipt and previous ids, server time, every category true or false, policy, text hash, GPC; no IP, no full UA"),
  req("R1.15", "MUST", "The retention job deletes proof rows once the decision expired plus the site's proofRetentionDays (default 1,095), the period the demo policy states"),
  req("R1.16", "SHOULD", 'Sites gate scripts and iframes with type="text/plain" data-consent and data-src; the assent-change event and assent.get() report the state'),
  req(
    "R1.17",
    "MAY",
    "Assent has no consent-exempt analytics mode: usage data waits for a grant under opt-in rules like any optional category",
    "Assent deliberately offers no CNIL audience-measurement exemption (no analyticsExempt setting): every optional category needs consent under opt-in rules.",
  ),

  // R2. US privacy and GPC
  req("R2.1", "MUST", 'Sec-GPC counts only when exactly "1" (any one of repeated values), and the widget sends navigator.globalPrivacyControl === true as gpc in the body'),
  req("R2.2", "MUST", "GPC turns off every saleOrSharing category and the three ad_* Consent Mode types, and is recorded as a decision (surface gpc) with no prompt"),
  req("R2.3", "MUST", "GPC recorded over an earlier Accept all wins, and the opt-out it stored holds on later visits without GPC until the visitor opts in themselves"),
  req("R2.4", "MUST", 'With GPC, the banner and preference center show the site\'s gpcHonored text in a role="status" line, and sale/sharing switches are off and locked'),
  gap(
    req("R2.5", "MUST", "Opt-out regions get a one-click Do Not Sell or Share button, the rights page an opt-out with no login; backends get opt-outs by admin API and webhook"),
    "no `<consent-optout-link>` element: the opt-out is the banner's one-click button, the \"Privacy choices\" link and the rights page",
  ),
  req("R2.6", "MUST", "An opt-out applies on the page at once and is a ledger row, or a rights-log row kept 24 months after it closes with a 15-business-day due date"),
  req("R2.7", "MUST", "An opt-out decision lasts at least 365 days and outlives material changes outside opt-in regions, so nothing asks the visitor to opt back in"),
  req("R2.8", "MUST", "Either choice is one click: Accept all or Reject all, Do Not Sell or OK, and Accept all or Reject all again in the preference center"),
  req("R2.9", "SHOULD", "The demo privacy policy says the site responds to and abides by opt-out preference signals and that GPC beats an earlier accept; the center links it"),
  req(
    "R2.10",
    "MAY",
    "Assent serves no /.well-known/gpc.json and ships no helper for it",
    "The file belongs on the site owner's origin, which Assent does not serve, and Assent deliberately ships no helper for it.",
  ),
  req(
    "R2.11",
    "SHOULD",
    'Assent has no "Limit the Use of My Sensitive Personal Information" control and no setting for one',
    "Assent handles no sensitive personal information, so it deliberately offers no such control; a site that processes sensitive PI needs its own.",
  ),

  // R3. Google Consent Mode
  req("R3.1", "MUST", "assent.js first creates dataLayer and gtag if absent and sends consent default: all seven types, denied but security_storage, with wait_for_update in ms"),
  req("R3.2", "SHOULD", "Consent Mode defaults are global and denied, with no region-scoped grant; grants before a choice come only as updates outside opt-in regions, never in EU/UK/CH"),
  req("R3.3", "MUST", "Each decision sends exactly one consent update with all seven types; a returning visit sends default, then the stored choice's update, before gated tags run"),
  req("R3.4", "MUST", "Each category's Consent Mode types come from the site config, every proof row stores a gcm1- hash of that mapping, and security_storage is always granted"),
  req("R3.5", "MUST", "GPC or a recorded US opt-out denies ad_storage, ad_user_data and ad_personalization in every update, whatever the categories grant"),
  req("R3.6", "SHOULD", "The docs put Google tags in gated scripts, so gtag.js loads only after a grant (basic mode); Assent has no advanced mode that pings before consent"),
  req("R3.7", "MAY", "Assent never sets url_passthrough; ads_data_redaction is left to the site's own, gated gtag configuration"),
  req("R3.8", "MUST", "The docs say Assent is not a Google-certified CMP and speaks no TCF; the widget claims no certification and defines no __tcfapi"),
  req("R3.9", "SHOULD", "Every default and update carries all seven types, ad_user_data and ad_personalization included, so none is ever left unset"),

  // R4. TCF and GPP
  req("R4.1", "MUST", "Assent defines no window.__tcfapi, writes no euconsent-v2 cookie and stores or sends no TC string of any kind"),
  req(
    "R4.2",
    "MAY",
    "Assent has no GPP API: window.__gpp is never defined and no GPP string is made",
    "The optional GPP usnat subset was deliberately left out of this release; Assent defines no __gpp and emits no GPP string.",
  ),
  req("R4.3", "MUST NOT", "Assent implements no GPP section at all, so neither uspv1 nor tcfeuv2 exists, and it defines no __uspapi and writes no US Privacy String"),

  // R5. Email
  req("R5.1", "MUST", "Each list is its own unticked checkbox with its wording; a signup must quote the list's textVersion, kept as proof; no soft opt-in, no tie to cookies"),
  req("R5.2", "MUST", "A signup is a pending request; its mail holds only the confirmation, an unsubscribe and the postal address, and its single-use 7-day link confirms by POST"),
  req("R5.3", "MUST", "Headers Assent gives list mail add List-Id and one-click unsubscribe; lists may have their own From, unsubscribes apply at once, the docs ask for SPF/DKIM/DMARC"),
  req("R5.4", "MUST", "Confirmation mail and the headers /admin/unsubscribe-headers returns carry one https List-Unsubscribe URI and exactly List-Unsubscribe=One-Click"),
  req("R5.5", "MUST", "POST /u/{token} unsubscribes at once reading no cookie or auth, is idempotent, answers 200, never redirects; GET only shows the page; bad links get one answer"),
  req("R5.6", "MUST", "Unsubscribe links never expire (a key ring with key ids signs them) and need no login or field; every confirmation message ends with the postal address"),
  req("R5.7", "MUST", "Unsubscribe and erasure keep an HMAC of the normalised address per list, so no signup re-adds it without a new double opt-in"),
  req("R5.8", "SHOULD", "Every unsubscribe link opens a page listing each list with its own button and Unsubscribe from all; a new address goes through the rights correction flow"),

  // R6. Cloudflare platform
  req("R6.1", "MUST", "The local record is authoritative for the page: a Worker answer never replaces a newer local decision, and the newer updatedAt wins across tabs and devices"),
  req("R6.2", "MUST", "Proof rows go to D1 under unique ids; KV gets a write per change only for records something reads, and a write KV refuses for its one-write-a-second limit is retried with backoff; a browser sends one decision request at a time"),
  req("R6.3", "MUST", "Bodies over 8 KB get 413, unknown categories 422, and ids are bounded (site id ≤ 48 characters, UUID visitor), so KV keys stay far under 512 bytes"),
  req("R6.4", "MUST", "Each KV visitor record carries expiration = the decision's expiry, clamped to at least 60 s ahead; pending signups live in D1 and the retention job deletes them"),
  req("R6.5", "MUST", "Only the owner's bulk erasure calls KV list(), off the hot path, passing the site's prefix and cursor on every call until list_complete"),
  req("R6.6", "MUST", "Bulk erasure spends a fixed KV budget per call and returns a cursor to resume; retention and other bulk work run in bounded D1 steps across cron runs"),
  req("R6.7", "MUST", "A decision costs one D1 batch, and a KV write only for a record that is read; docs/cost-model.md tabulates KV and D1 operations per endpoint"),
  req("R6.8", "MUST", "D1 holds the ledger chain, single-use links, subscriptions, suppression, the rights log and revocations; KV holds only visitor copies and site configs"),
  req("R6.9", "SHOULD", "Hashes and HMACs use crypto.subtle, no visitor request lists KV, bulk work runs in bounded steps, and npm run bench measures the Worker's throughput"),
  req("R6.10", "MUST", "Writes go through the Workers rate-limit binding, keyed by site and visitor or, when anonymous, by /24 or /64 network; over the limit is 429 with Retry-After"),
  gap(
    req("R6.11", "MUST", "Turnstile, when a site enables it, guards signups and rights-API requests but never consent or opt-outs; siteverify checks hostname and action, failing closed"),
    "Turnstile is the site's choice (off in the demo), and the rights pages rely on a rate limit instead of Turnstile",
  ),
  req("R6.12", "MUST", "HMAC keys and the Turnstile secret are Wrangler secrets, never in wrangler.toml or the bundle; tokens carry a key id, and current and previous keys verify"),

  // R7. Identity and security
  req("R7.1", "MUST", "The widget runs in the host page as custom elements and fetches with credentials: 'omit'; no visitor-facing response sets a cookie (only /console has one)"),
  req("R7.2", "MUST", "The visitor id is a random UUID the Worker makes at the first decision, kept in the site's own localStorage, per site; every storage key starts with the site id"),
  req("R7.3", "MUST", "Tokens are an HMAC-SHA256 over site, visitor, issue time and id, sent only as Authorization: Bearer, checked with crypto.subtle and bound to the route's site"),
  req("R7.4", "MUST", "CORS echoes only an origin the site lists, with Vary: Origin; a write with a missing, null or foreign Origin gets 403 before anything is read"),
  req("R7.5", "MUST", "Writes need an allowed Origin and Content-Type: application/json, which forces a preflight; form and text/plain posts get 415 and write nothing"),
  req("R7.6", "MUST", "The Worker ORs the Sec-GPC header with the body's gpc field, and bootstrap answers carry Vary: Sec-GPC"),
  req(
    "R7.7",
    "SHOULD",
    "Assent puts no iframe of its own in a site's pages: the banner and preference center are custom elements in the host page",
    "Assent uses no iframe on the Worker's domain, so there are no partitioned cookies to set or check.",
  ),
  req("R7.8", "MUST", "When the site's storage is gone the banner simply asks again, with no restore by IP or fingerprint; the docs cover Safari's 7 days and an owner's cookie mirror"),
  req("R7.9", "MUST", "Every endpoint validates with zod, with category allowlists and bounded strings; site text renders through Lit's escaping, and nothing uses unsafeHTML"),
  req("R7.10", "MUST", "The widget needs only script-src and connect-src for the Worker, no unsafe-inline or unsafe-eval: styles are adopted stylesheets, sizes set through the CSSOM"),
  req("R7.11", "SHOULD", "Each build is also served under immutable /v/<version>/ paths with sha384 SRI hashes in assent-manifest.json; proof rows name the widget version"),
  req("R7.12", "MUST", "API keys are per site and stored as SHA-256 hashes; another site's key gets 403, every query filters by site id, and log lines carry no IP or token"),

  // R8. Accessibility
  req("R8.1", "MUST", "The preference center is a native <dialog> opened with showModal(), named by its heading in the same shadow root; the banner is a labelled region"),
  req("R8.2", "MUST", "Opening the center moves focus to its heading, Tab stays inside, the page is inert, Escape saves nothing, focus returns to the opener; the banner never traps"),
  req("R8.3", "MUST", 'Each category is a native checkbox with role="switch" and a visible label, and every action is a native button, so Space and Enter work'),
  req("R8.4", "MUST", "Every control shows a 3 px :focus-visible outline in the text colour, 3:1 or more in the default themes; no outline is removed without a replacement"),
  req("R8.5", "MUST", "While the banner shows, scroll-padding-bottom on <html> and a spacer at the end of the body match its height, so no focused element hides behind it"),
  req("R8.6", "MUST", "Default colours keep text at 4.5:1 and edges and focus rings at 3:1 or more, and the site config refuses an accent/onAccent pair below 4.5:1"),
  req("R8.7", "MUST", "The banner's height is capped, its content scrolling in a focusable region, and both layers reflow at 320 px wide without horizontal scrolling"),
  req("R8.8", "MUST", "Buttons are at least 44 × 44 px and every other target, switches included, at least 24 × 24 px"),
  req("R8.9", "MUST", 'Preferences saved, the GPC status and errors go to role="status" live regions; announcing them never moves focus'),
  req("R8.10", "MUST", "The banner and preference center carry the lang and dir of the wording shown, and Accept all and Reject all keep their labels on both layers"),
  req("R8.11", "SHOULD", "Sites put one Privacy choices link in the footer of every page, as the demo does, and the optional floating button always sits in one place"),
  req("R8.12", "MUST", "Browser tests run axe (wcag2a to wcag22aa and best-practice) over every widget state, shadow roots included, and fail on any violation"),
  req("R8.13", "MUST", "Shadow roots are open, every aria-labelledby and aria-describedby points inside its own root, and no component uses delegatesFocus"),
  req("R8.14", "SHOULD", "The banner animates nothing and never dismisses itself; the preference center's transition stops under prefers-reduced-motion"),
  req("R8.15", "SHOULD", "Accessibility defects count as compliance defects: banner, preference center and rights pages are held to WCAG 2.2 AA and axe-checked in every state"),

  // R9. Rights and retention
  req("R9.1", "MUST", "GET /me/export gives a browser its state and every proof row as JSON for its token; a verified access request downloads all held for an address"),
  req("R9.2", "MUST", "Erasure removes state, proof rows and linked subscriptions in one transaction, keeping only suppression hashes and a count-only record; it says KV lags ~60 s"),
  req("R9.3", "MUST", "A correction request, verified by the old address, mails a confirmation to the new one; its click moves the subscriptions and unsubscribes the old address"),
  req("R9.4", "MUST", "Opt-outs need nothing (GPC, a click, or a rights-page opt-out); requests about email data need the email loop; a browser's own data needs only its token"),
  req("R9.5", "MUST", "Each rights request is a D1 log row (received, type, channel, outcome, response date, denial basis) kept 24 months after closing; console viewers never see it"),
  req("R9.6", "MUST", "A tested calculator dates GDPR (1 month, +2), CCPA (10 business-day ack, 45 days, +45; opt-out 15 business days), Shine the Light (30 days)"),
  req("R9.7", "MUST", "With rights.california, the center links Your California Privacy Rights, and Shine the Light requests are answered at once from the config, once a year"),
  req("R9.8", "MUST", "Minors' removal is a request type with the incomplete-removal notice, email verification and routing to the owner by webhook, email and queue; no age is asked"),
  req("R9.9", "MUST", "childDirected: true turns off all email capture (403, no form); a parent's request or the owner's API erases and suppresses; the docs write down retention"),
  req("R9.10", "MUST", "docs/privacy-and-security.md lists every kind of data with its period, enforced by KV expiration and the retention cron; the demo policy discloses them"),
  req("R9.11", "MUST", "The banner and center link the site's privacy and cookie policies, the center its rights page too; the demo policy covers purposes to California rights"),
  gap(
    req("R9.12", "MUST", "Proof rows keep policy version, last-updated date and fingerprint; a material change alters the fingerprint, so the banner asks again and new purposes stay off"),
    "a material change re-prompts the banner but sends list subscribers no re-permission email, and the re-prompt starts from the defaults rather than showing earlier choices for unchanged purposes",
  ),
]);

const BY_ID = new Map(REQUIREMENTS.map((r) => [r.id, r]));

/** The requirement with this id (`"R1.3"`), or undefined when there is none. */
export function requirementById(id: string): Requirement | undefined {
  return BY_ID.get(id);
}
