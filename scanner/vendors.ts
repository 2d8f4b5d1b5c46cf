/**
 * A curated table of common web vendors and the cookies, storage keys and hosts they use, for
 * the compliance scanner: when it sees a cookie, a localStorage / sessionStorage key or a
 * request to a host on a site, this table says whose it is, what it holds, how long it lasts and
 * which consent category a site should file it under.
 *
 * It is data, not inference. Every entry names the vendor's own documentation it was taken from
 * (`sources`), and durations are the vendor's documented defaults (sites and vendors can change
 * them; browsers also cap them, e.g. Chrome at 400 days and Safari at 7 days for script-set
 * cookies). Where a vendor's page gives no figure, the entry says so in a comment rather than
 * guessing silently.
 *
 * To add a vendor:
 * 1. Find the vendor's own page listing its cookies / storage keys (on the vendor's domain, not a
 *    cookie database) and put its https URL in `sources`.
 * 2. Add one `VendorItem` per name the vendor documents. Names with a site- or account-specific
 *    part use `*` (e.g. "_hjSession_*"); `*` is the only special character, everything else
 *    (dots included) is literal. Durations in whole days: 2 years = 730, 13 months = 395,
 *    1 year = 365, under a day = 0 (say the real figure in `purpose`), browser session = null.
 * 3. List the host suffixes its scripts and beacons use (no scheme, no path). A suffix may belong
 *    to one vendor only; keep them as narrow as the vendor's hosts allow ("bat.bing.com", not
 *    "bing.com").
 * 4. Set `purpose` to the category a site should file the vendor under and `saleOrSharing` to
 *    whether US state laws would usually treat it as sale / sharing / targeted advertising, with
 *    a one-line comment saying why.
 * 5. Run test/node/scan-vendors.test.ts: it checks slugs, sources, and that no two vendors claim
 *    the same host.
 *
 * Nothing here depends on anything: the helpers at the bottom are pure functions over the table.
 */

/** What a vendor's item is for, in consent terms. */
export type VendorPurpose = "analytics" | "marketing" | "functional" | "necessary";

/** One cookie or storage key a vendor documents. */
export interface VendorItem {
  /** Name pattern; `*` matches any run of characters (e.g. "_ga_*", "_hjSession_*"). Exact names otherwise. */
  pattern: string;
  type: "cookie" | "localStorage" | "sessionStorage";
  /** Documented lifetime in days (round: 2 years = 730, 13 months = 395, 1 year = 365, 390 days = 390, 1 day = 1, 30 min = 0); null = browser session. */
  durationDays: number | null;
  /** One short plain-English line: what it holds. */
  purpose: string;
}

/** A vendor: who it is, how a site should file it, and what it leaves behind. */
export interface VendorEntry {
  /** Slug, lowercase letters/digits/hyphens, e.g. "google-analytics". */
  id: string;
  /** Display name, e.g. "Google Analytics". */
  name: string;
  /** The consent category a site should file the vendor under. */
  purpose: VendorPurpose;
  /** True when US state laws would usually treat it as sale / sharing / targeted advertising. */
  saleOrSharing: boolean;
  /** The vendor's privacy policy (https). */
  policyUrl: string;
  /** Host suffixes its scripts / pixels load from or send to, e.g. "google-analytics.com". */
  hosts: string[];
  /** The cookies and storage keys the vendor documents. */
  items: VendorItem[];
  /** https URLs of the vendor's own documentation listing these items. */
  sources: string[];
}

/** The table. Order matters only as the last tie-break in `vendorForStorage`. */
export const VENDORS: readonly VendorEntry[] = [
  {
    id: "google-analytics",
    name: "Google Analytics",
    purpose: "analytics",
    // false: by default Google processes GA data as the site's service provider (data processing
    // terms, no ads use). Turning on Google Signals or linking Google Ads changes that; a site
    // doing so should file GA with its sale/sharing category.
    saleOrSharing: false,
    policyUrl: "https://policies.google.com/privacy",
    hosts: ["google-analytics.com", "analytics.google.com"],
    items: [
      { pattern: "_ga", type: "cookie", durationDays: 730, purpose: "Random client ID that tells one browser from another." },
      { pattern: "_ga_*", type: "cookie", durationDays: 730, purpose: "Session state (session number, start, engagement) for one GA4 property." },
    ],
    sources: ["https://support.google.com/analytics/answer/11397207"],
  },
  {
    id: "google-tag-manager",
    name: "Google Tag Manager",
    // Tag Manager sets no cookies of its own; it only loads other tags, each classified on its
    // own. Filed under analytics (not necessary) because a site loads it to load measurement.
    purpose: "analytics",
    // false: the container itself collects nothing; whatever it loads carries its own flag.
    saleOrSharing: false,
    policyUrl: "https://policies.google.com/privacy",
    hosts: ["googletagmanager.com"],
    items: [],
    sources: ["https://marketingplatform.google.com/about/analytics/tag-manager/use-policy/"],
  },
  {
    id: "google-ads",
    name: "Google Ads / DoubleClick",
    purpose: "marketing",
    // true: ad conversion tracking and remarketing across sites is targeted advertising.
    saleOrSharing: true,
    policyUrl: "https://policies.google.com/privacy",
    hosts: ["googleadservices.com", "doubleclick.net", "googlesyndication.com"],
    items: [
      { pattern: "_gcl_au", type: "cookie", durationDays: 90, purpose: "Conversion linker ID tying site visits to Google ad clicks." },
      { pattern: "_gcl_aw", type: "cookie", durationDays: 90, purpose: "Google Ads click ID (gclid) from the ad that brought the visitor." },
      { pattern: "_gcl_dc", type: "cookie", durationDays: 90, purpose: "Campaign Manager / Display click ID (dclid) from the ad that brought the visitor." },
      // 13 months in the EEA, UK and Switzerland, 24 months elsewhere; the shorter figure is used.
      { pattern: "IDE", type: "cookie", durationDays: 395, purpose: "DoubleClick ad ID on doubleclick.net for ad targeting and measurement (24 months outside EEA/UK)." },
      { pattern: "test_cookie", type: "cookie", durationDays: 0, purpose: "Checks whether the browser accepts cookies on doubleclick.net (15 minutes)." },
    ],
    sources: ["https://business.safety.google/adscookies/", "https://policies.google.com/technologies/cookies"],
  },
  {
    id: "meta-pixel",
    name: "Meta Pixel",
    purpose: "marketing",
    // true: Meta uses pixel events for its own ad targeting and measurement.
    saleOrSharing: true,
    policyUrl: "https://www.facebook.com/privacy/policy/",
    hosts: ["connect.facebook.net", "facebook.com"],
    items: [
      { pattern: "_fbp", type: "cookie", durationDays: 90, purpose: "Browser ID the Meta pixel sets on the site for ad delivery and measurement." },
      { pattern: "_fbc", type: "cookie", durationDays: 90, purpose: "Last Meta ad click ID (fbclid) that brought the visitor." },
      { pattern: "fr", type: "cookie", durationDays: 90, purpose: "Meta ad ID on facebook.com for delivering and measuring ads." },
    ],
    sources: ["https://www.facebook.com/privacy/policies/cookies/"],
  },
  {
    id: "microsoft-clarity",
    name: "Microsoft Clarity",
    purpose: "analytics",
    // true: Clarity's terms let Microsoft use the data to improve its own products including
    // advertising, and it sets Microsoft's cross-site MUID; that is a third party using the data
    // for its own purposes, not a pure service provider.
    saleOrSharing: true,
    policyUrl: "https://privacy.microsoft.com/privacystatement",
    hosts: ["clarity.ms"],
    items: [
      { pattern: "_clck", type: "cookie", durationDays: 365, purpose: "Clarity user ID and preferences for this site." },
      { pattern: "_clsk", type: "cookie", durationDays: 1, purpose: "Joins page views into one Clarity session recording." },
      { pattern: "CLID", type: "cookie", durationDays: 365, purpose: "When Clarity first saw this browser on any site using Clarity." },
      { pattern: "ANONCHK", type: "cookie", durationDays: 0, purpose: "Flag: whether MUID is passed to the ANID ad cookie; always 0 for Clarity (10 minutes)." },
      { pattern: "MR", type: "cookie", durationDays: 7, purpose: "Flag: whether to refresh MUID." },
      // Also listed under Microsoft Advertising UET; the table order makes Clarity the answer.
      { pattern: "MUID", type: "cookie", durationDays: 365, purpose: "Microsoft-wide browser ID used for advertising, analytics and operations." },
      { pattern: "SM", type: "cookie", durationDays: null, purpose: "Syncs MUID across Microsoft domains." },
    ],
    sources: ["https://learn.microsoft.com/en-us/clarity/setup-and-installation/cookie-list"],
  },
  {
    id: "microsoft-uet",
    name: "Microsoft Advertising UET",
    purpose: "marketing",
    // true: conversion tracking and remarketing for Microsoft Advertising is targeted advertising.
    saleOrSharing: true,
    policyUrl: "https://privacy.microsoft.com/privacystatement",
    hosts: ["bat.bing.com"],
    items: [
      { pattern: "_uetsid", type: "cookie", durationDays: 1, purpose: "UET session ID for attributing conversions to Microsoft ad clicks." },
      { pattern: "_uetvid", type: "cookie", durationDays: 390, purpose: "UET visitor ID for conversions and remarketing lists." },
      // localStorage has no expiry of its own; the UET script enforces the same lifetimes.
      { pattern: "_uetsid", type: "localStorage", durationDays: 1, purpose: "Copy of the UET session ID kept in localStorage." },
      { pattern: "_uetvid", type: "localStorage", durationDays: 390, purpose: "Copy of the UET visitor ID kept in localStorage." },
      { pattern: "MUID", type: "cookie", durationDays: 365, purpose: "Microsoft-wide browser ID used for advertising, analytics and operations." },
    ],
    sources: ["https://learn.microsoft.com/en-us/advertising/msa-help/hlp_ba_conc_uet_faq"],
  },
  {
    id: "linkedin-insight",
    name: "LinkedIn Insight Tag",
    purpose: "marketing",
    // true: conversion tracking, retargeting and audience matching on LinkedIn.
    saleOrSharing: true,
    policyUrl: "https://www.linkedin.com/legal/privacy-policy",
    hosts: ["snap.licdn.com", "px.ads.linkedin.com"],
    items: [
      { pattern: "li_sugr", type: "cookie", durationDays: 90, purpose: "Browser ID for probabilistic matching of visitors outside designated countries." },
      { pattern: "bcookie", type: "cookie", durationDays: 365, purpose: "LinkedIn browser ID on linkedin.com." },
      { pattern: "bscookie", type: "cookie", durationDays: 365, purpose: "Secure LinkedIn browser ID on linkedin.com, used for security and embeds." },
      { pattern: "lidc", type: "cookie", durationDays: 1, purpose: "Picks the LinkedIn data center for requests." },
      { pattern: "UserMatchHistory", type: "cookie", durationDays: 30, purpose: "LinkedIn Ads ID syncing history." },
      { pattern: "AnalyticsSyncHistory", type: "cookie", durationDays: 30, purpose: "When the visitor was last synced with the lms_analytics cookie." },
      { pattern: "li_fat_id", type: "cookie", durationDays: 30, purpose: "Member click ID from a LinkedIn ad for conversion attribution." },
    ],
    sources: ["https://www.linkedin.com/legal/l/cookie-table"],
  },
  {
    id: "hotjar",
    name: "Hotjar",
    purpose: "analytics",
    // false: Hotjar processes the data for the site (processor / service provider) and does not
    // use it for its own advertising or across sites; its IDs are per site.
    saleOrSharing: false,
    policyUrl: "https://www.hotjar.com/legal/policies/privacy/",
    hosts: ["hotjar.com", "hotjar.io"],
    items: [
      { pattern: "_hjSessionUser_*", type: "cookie", durationDays: 365, purpose: "Hotjar user ID for this site, per Hotjar site ID." },
      { pattern: "_hjSession_*", type: "cookie", durationDays: 0, purpose: "Current Hotjar session data, per site ID (30 minutes, extended on activity)." },
      { pattern: "_hjid", type: "cookie", durationDays: 365, purpose: "Hotjar user ID for this site (older tracking code)." },
      { pattern: "_hjTLDTest", type: "cookie", durationDays: null, purpose: "Probe for the widest cookie domain usable; removed right after." },
      { pattern: "_hjAbsoluteSessionInProgress", type: "cookie", durationDays: 0, purpose: "Flag: first page view of a session, so it counts once (30 minutes)." },
      { pattern: "_hjIncludedInSessionSample*", type: "cookie", durationDays: 0, purpose: "Flag: visitor is in the daily session sample (30 minutes)." },
      { pattern: "_hjIncludedInPageviewSample", type: "cookie", durationDays: 0, purpose: "Flag: visitor is in the page-view sample (30 minutes)." },
      { pattern: "_hjFirstSeen", type: "cookie", durationDays: null, purpose: "Flag: this is a new user's first session." },
      { pattern: "_hjLocalStorageTest", type: "localStorage", durationDays: 0, purpose: "Probe for whether localStorage works; deleted within milliseconds." },
      { pattern: "_hjSessionStorageTest", type: "sessionStorage", durationDays: 0, purpose: "Probe for whether sessionStorage works; deleted within milliseconds." },
    ],
    sources: ["https://help.hotjar.com/hc/en-us/articles/6952777582999-Cookies-Set-by-the-Hotjar-Tracking-Code"],
  },
  {
    id: "hubspot",
    name: "HubSpot",
    purpose: "analytics",
    // false: the tracking code feeds the site's own CRM, with HubSpot as its service provider.
    // (HubSpot's separate ads pixel would be marketing; it is not described here.)
    saleOrSharing: false,
    policyUrl: "https://legal.hubspot.com/privacy-policy",
    hosts: ["hs-scripts.com", "hs-analytics.net", "hs-banner.com", "hscollectedforms.net", "hubspot.com", "hsforms.com"],
    items: [
      { pattern: "__hstc", type: "cookie", durationDays: 180, purpose: "Main visitor cookie: domain, hubspotutk, first/last/current visit times, session count." },
      { pattern: "hubspotutk", type: "cookie", durationDays: 180, purpose: "Visitor identity token, sent with form submissions to dedupe contacts." },
      { pattern: "__hssc", type: "cookie", durationDays: 0, purpose: "Session page-view count and start time (30 minutes)." },
      { pattern: "__hssrc", type: "cookie", durationDays: null, purpose: "Flag set on browser restart to detect a new session." },
    ],
    sources: ["https://knowledge.hubspot.com/privacy-and-consent/what-cookies-does-hubspot-set-in-a-visitor-s-browser"],
  },
  {
    id: "intercom",
    name: "Intercom",
    purpose: "functional",
    // false: first-party cookies, unreadable across sites; Intercom runs the chat for the site.
    saleOrSharing: false,
    policyUrl: "https://www.intercom.com/legal/privacy",
    hosts: ["intercom.io", "intercomcdn.com"],
    items: [
      // Intercom documents 9 months for both IDs.
      { pattern: "intercom-id-*", type: "cookie", durationDays: 270, purpose: "Anonymous Messenger visitor ID, per Intercom app ID." },
      { pattern: "intercom-session-*", type: "cookie", durationDays: 7, purpose: "Messenger session for a logged-in user, refreshed on each ping." },
      { pattern: "intercom-device-id-*", type: "cookie", durationDays: 270, purpose: "Device ID used to spot abuse of the Messenger." },
    ],
    sources: ["https://www.intercom.com/help/en/articles/2361922-intercom-messenger-cookies"],
  },
  {
    id: "youtube",
    name: "YouTube embeds",
    purpose: "marketing",
    // true: embeds let Google recognise the viewer and feed its ad personalisation; even
    // youtube-nocookie.com sets identifiers once the video plays.
    saleOrSharing: true,
    policyUrl: "https://policies.google.com/privacy",
    hosts: ["youtube.com", "youtube-nocookie.com", "ytimg.com", "googlevideo.com"],
    items: [
      { pattern: "YSC", type: "cookie", durationDays: null, purpose: "Session ID that checks requests come from the viewer (anti-abuse)." },
      { pattern: "VISITOR_INFO1_LIVE", type: "cookie", durationDays: 180, purpose: "YouTube visitor ID for preferences and troubleshooting." },
      { pattern: "VISITOR_PRIVACY_METADATA", type: "cookie", durationDays: 180, purpose: "The viewer's cookie-consent state for YouTube." },
      // Google's page gives 8 months.
      { pattern: "PREF", type: "cookie", durationDays: 243, purpose: "Player and page preferences (autoplay, player size and the like)." },
    ],
    sources: ["https://policies.google.com/technologies/cookies"],
  },
  {
    id: "vimeo",
    name: "Vimeo",
    // analytics, not functional: the embed's lasting cookie (vuid) is an analytics ID for the
    // video owner. An embed with ?dnt=1 sets no such cookie and could be filed as functional.
    purpose: "analytics",
    // false: the analytics go to the video owner; Vimeo embeds carry no behavioural ads.
    saleOrSharing: false,
    policyUrl: "https://vimeo.com/privacy",
    hosts: ["vimeo.com", "vimeocdn.com"],
    items: [
      { pattern: "vuid", type: "cookie", durationDays: 730, purpose: "Vimeo visitor ID for the video owner's analytics." },
      { pattern: "player", type: "cookie", durationDays: 365, purpose: "Player preferences: volume, quality, captions." },
    ],
    sources: ["https://help.vimeo.com/hc/en-us/articles/26080940921361", "https://vimeo.com/cookie_policy"],
  },
  {
    id: "tiktok-pixel",
    name: "TikTok Pixel",
    purpose: "marketing",
    // true: matches site visitors to TikTok users for ad measurement and retargeting.
    saleOrSharing: true,
    policyUrl: "https://www.tiktok.com/legal/page/us/privacy-policy/en",
    hosts: ["analytics.tiktok.com"],
    items: [
      { pattern: "_ttp", type: "cookie", durationDays: 395, purpose: "TikTok pixel browser ID for ad measurement and audiences." },
    ],
    sources: ["https://ads.tiktok.com/help/article/using-cookies-with-tiktok-pixel"],
  },
  {
    id: "x-pixel",
    name: "X (Twitter) Pixel",
    purpose: "marketing",
    // true: conversion tracking and ad personalisation on X.
    saleOrSharing: true,
    policyUrl: "https://x.com/en/privacy",
    hosts: ["static.ads-twitter.com", "analytics.twitter.com", "t.co"],
    items: [
      // X's cookie page names these but gives no lifetimes; 2 years is what browsers observe.
      { pattern: "personalization_id", type: "cookie", durationDays: 730, purpose: "X browser ID for ad personalisation and measurement, on x.com / twitter.com." },
      { pattern: "muc_ads", type: "cookie", durationDays: 730, purpose: "X ads ID for measuring and targeting ads, on x.com / twitter.com." },
    ],
    sources: ["https://help.x.com/en/rules-and-policies/x-cookies"],
  },
  {
    id: "pinterest-tag",
    name: "Pinterest Tag",
    purpose: "marketing",
    // true: conversion tracking and audience building for Pinterest ads.
    saleOrSharing: true,
    policyUrl: "https://policy.pinterest.com/en/privacy-policy",
    hosts: ["ct.pinterest.com", "s.pinimg.com"],
    items: [
      // Pinterest's tag page describes these without lifetimes; 1 year per its cookie policy.
      { pattern: "_pinterest_sess", type: "cookie", durationDays: 365, purpose: "Pinterest login cookie: user IDs, auth tokens and timestamps, on pinterest.com." },
      { pattern: "_pin_unauth", type: "cookie", durationDays: 365, purpose: "First-party ID grouping actions of visitors Pinterest cannot identify." },
      { pattern: "_epik", type: "cookie", durationDays: 365, purpose: "Pinterest ad click ID set from promoted traffic, to identify the visitor." },
    ],
    sources: ["https://help.pinterest.com/en/business/article/pinterest-tag-parameters-and-cookies", "https://policy.pinterest.com/en/cookies"],
  },
  {
    id: "stripe",
    name: "Stripe",
    purpose: "necessary",
    // false: used for payments and fraud prevention; Stripe states it does not sell or use the
    // data for interest-based advertising.
    saleOrSharing: false,
    policyUrl: "https://stripe.com/privacy",
    hosts: ["js.stripe.com", "api.stripe.com", "m.stripe.com", "m.stripe.network"],
    items: [
      { pattern: "__stripe_mid", type: "cookie", durationDays: 365, purpose: "Device ID for Stripe's fraud prevention." },
      { pattern: "__stripe_sid", type: "cookie", durationDays: 0, purpose: "Session ID for Stripe's fraud prevention (30 minutes)." },
    ],
    sources: ["https://docs.stripe.com/js/appendix/cookies", "https://stripe.com/legal/cookies-policy"],
  },
  {
    id: "cloudflare",
    name: "Cloudflare",
    purpose: "necessary",
    // false: bot and abuse protection; Cloudflare does not track users across sites with these.
    saleOrSharing: false,
    policyUrl: "https://www.cloudflare.com/privacypolicy/",
    hosts: ["challenges.cloudflare.com"],
    items: [
      { pattern: "__cf_bm", type: "cookie", durationDays: 0, purpose: "Bot-management score for this site (30 minutes of inactivity)." },
      { pattern: "cf_clearance", type: "cookie", durationDays: 0, purpose: "Proof a challenge was passed (30 minutes by default; the site can set up to a year)." },
      { pattern: "_cfuvid", type: "cookie", durationDays: null, purpose: "Tells apart visitors sharing one IP address for rate limiting." },
    ],
    sources: ["https://developers.cloudflare.com/fundamentals/reference/policies-compliances/cloudflare-cookies/"],
  },
  {
    id: "matomo",
    name: "Matomo",
    purpose: "analytics",
    // false: self-hosted (or Matomo Cloud as processor); the data stays with the site.
    saleOrSharing: false,
    policyUrl: "https://matomo.org/privacy-policy/",
    // No fixed hosts: Matomo is self-hosted at whatever domain the site chooses (Matomo Cloud
    // instances are per-customer subdomains), so the scanner can only recognise it by cookies.
    hosts: [],
    items: [
      { pattern: "_pk_id.*", type: "cookie", durationDays: 395, purpose: "Visitor ID and first-visit time, per site ID and domain hash." },
      { pattern: "_pk_ses.*", type: "cookie", durationDays: 0, purpose: "Marks an active visit (30 minutes)." },
      { pattern: "_pk_ref.*", type: "cookie", durationDays: 180, purpose: "Referrer (campaign, search engine, site) that first brought the visitor (6 months)." },
    ],
    sources: ["https://matomo.org/faq/general/faq_146/"],
  },
  {
    id: "plausible",
    name: "Plausible Analytics",
    purpose: "analytics",
    // false: no cookies or persistent IDs, no data sold or shared; Plausible processes for the site.
    saleOrSharing: false,
    policyUrl: "https://plausible.io/privacy",
    hosts: ["plausible.io"],
    items: [],
    sources: ["https://plausible.io/data-policy"],
  },
];

/** The literal (non-wildcard) length of a pattern: longer means more specific. */
function literalLength(pattern: string): number {
  let n = 0;
  for (const c of pattern) if (c !== "*") n += 1;
  return n;
}

/** The number of `*` in a pattern. */
function wildcardCount(pattern: string): number {
  return pattern.length - pattern.replaceAll("*", "").length;
}

/**
 * Whether `name` matches `pattern` (`*` = any run of characters, possibly empty; case-sensitive;
 * the whole name). Every other character is literal, so "_pk_id.*" needs a real dot.
 */
export function matchesPattern(pattern: string, name: string): boolean {
  const parts = pattern.split("*");
  if (parts.length === 1) return pattern === name;
  const head = parts[0] ?? "";
  const tail = parts[parts.length - 1] ?? "";
  if (name.length < head.length + tail.length) return false;
  if (!name.startsWith(head) || !name.endsWith(tail)) return false;
  // Middle parts in order, each as early as it fits: leftmost placement never rules out a match.
  let at = head.length;
  const end = name.length - tail.length;
  for (let i = 1; i < parts.length - 1; i++) {
    const part = parts[i] ?? "";
    const found = name.indexOf(part, at);
    if (found === -1 || found + part.length > end) return false;
    at = found + part.length;
  }
  return true;
}

/**
 * The vendor entry and item that explain a storage name, or undefined. Prefers the most specific
 * pattern (longest literal part); on a tie, the one with fewer wildcards (an exact name beats a
 * pattern), then the earlier in the table. `vendors` defaults to `VENDORS`.
 */
export function vendorForStorage(
  name: string,
  type: VendorItem["type"],
  vendors: readonly VendorEntry[] = VENDORS,
): { vendor: VendorEntry; item: VendorItem } | undefined {
  let best: { vendor: VendorEntry; item: VendorItem } | undefined;
  let bestLiteral = -1;
  let bestWildcards = Infinity;
  for (const vendor of vendors) {
    for (const item of vendor.items) {
      if (item.type !== type || !matchesPattern(item.pattern, name)) continue;
      const literal = literalLength(item.pattern);
      const wildcards = wildcardCount(item.pattern);
      if (literal > bestLiteral || (literal === bestLiteral && wildcards < bestWildcards)) {
        best = { vendor, item };
        bestLiteral = literal;
        bestWildcards = wildcards;
      }
    }
  }
  return best;
}

/** Whether `host` is `suffix` or one of its subdomains (lowercase, no trailing dot). */
export const hostWithin = (host: string, suffix: string) => host === suffix || host.endsWith(`.${suffix}`);

/**
 * The vendor a host belongs to (host equals a listed suffix or ends with "." + suffix), or
 * undefined. Case-insensitive, and a trailing dot on the host is ignored. Should suffixes of two
 * vendors ever overlap, the longer suffix wins. `vendors` defaults to `VENDORS`.
 */
export function vendorForHost(host: string, vendors: readonly VendorEntry[] = VENDORS): VendorEntry | undefined {
  const h = host.toLowerCase().replace(/\.$/, "");
  let best: VendorEntry | undefined;
  let bestLength = -1;
  for (const vendor of vendors) {
    for (const suffix of vendor.hosts) {
      const s = suffix.toLowerCase();
      if (hostWithin(h, s) && s.length > bestLength) {
        best = vendor;
        bestLength = s.length;
      }
    }
  }
  return best;
}
