/**
 * The wording of the privacy notice, one table per language (./index.ts lists them). The site's
 * own words (names, category and vendor texts) come from its config; the names and descriptions
 * of the request types and the minors' notice come from the rights pages' tables
 * (worker/rights/i18n/), so the notice and the forms it links to say the same thing.
 * Functions take what the sentence names; dates and periods arrive formatted already.
 */
import type { StorageItem } from "../../contract";
import type { RetentionPeriods } from "../retention-schedule";

/** One row of the retention table: what, how long (from the site's periods), what deletes it. */
export interface RetentionRowWording {
  data: string;
  kept: (p: RetentionPeriods, period: (days: number) => string) => string;
  how: string;
}

/** The rows the notice states (the schedule's entries with `notice` set). */
export type NoticeRetentionId = "browser-record" | "preference-state" | "proof" | "signup-requests" | "subscriptions" | "subscription-history" | "suppressions" | "rights-requests";

/** Every sentence of the notice in one language. */
export interface NoticeStrings {
  /** "N days" and "N years", for periods. */
  days: (n: number) => string;
  years: (n: number) => string;
  /** The opening paragraph. */
  intro: (site: string, lastUpdated: string, version: string) => string;
  /** Quotes a text the site wrote, with the language's quotation marks. */
  quote: (text: string) => string;
  /** The text of links that open the preference center. */
  privacyChoices: string;

  purposesTitle: string;
  purposesIntro: string;
  /** Before the link to the site's cookie policy. */
  cookiePolicyLead: string;
  cookiePolicyLink: string;
  alwaysOn: string;
  optional: string;
  /** Before a link to the GPC section, for a sale/sharing purpose. */
  saleOrSharing: string;
  gpcLinkText: string;
  vendorsCaption: (category: string) => string;
  vendorHead: { name: string; purpose: string; party: string; kept: string };
  firstParty: string;
  thirdParty: string;
  storageCaption: (category: string) => string;
  storageHead: { name: string; type: string; duration: string };
  storageTypes: Record<StorageItem["type"], string>;
  session: string;

  communicationsTitle: string;
  communicationsIntro: (confirmDays: string) => string;

  retentionTitle: string;
  retentionIntro: string;
  retentionCaption: string;
  retentionHead: { data: string; kept: string; how: string };
  retention: Record<NoticeRetentionId, RetentionRowWording>;
  vendorRetention: string;

  rightsTitle: string;
  rightsIntro: (verifyDays: string) => string;
  /** Before the link that opens the preference center. */
  rightsChoices: string;
  /** Before the link to the rights page. */
  rightsAll: string;
  deadlineGdpr: string;
  deadlineCcpa: string;
  complaint: string;
  nonDiscrimination: string;

  gpcTitle: string;
  /** The statement R2.9 asks for: the site "responds to and abides by opt-out preference signals". */
  gpcAbides: (site: string) => string;
  gpcEffect: string;
  /** How GPC is treated where it conflicts with another choice. */
  gpcConflict: string;
  /** The site's own "honoured" message follows. */
  gpcShown: string;
  gpcNothingToSell: string;
  /** Before the link to the opt-out form. */
  gpcElsewhere: string;

  californiaLead: string;
  /** Shine the Light, `disclosure` mode (Civ. Code 1798.83(a)). */
  stlDisclosure: string;
  stlRecipients: string;
  stlNoRecipients: string;
  /** Shine the Light, `optout-exemption` mode (Civ. Code 1798.83(c)(2)). */
  stlExemption: string;
  /** Between the two links of the exemption's cost-free means ("Privacy choices" … "Do not sell"). */
  stlExemptionOr: string;
  /** Before the Shine the Light form's link. */
  stlRequest: string;
  /** Before the link to the rights page's California section. */
  californiaAll: string;

  minorsTitle: string;
  /** Before the removal form's link: how to ask. */
  minorsHow: string;

  childrenTitle: string;
  childrenNotDirected: string;
  childrenDirected: string;
  /** Before the parent's deletion form's link. */
  childrenDelete: string;

  contactTitle: string;
  contactIntro: (site: string) => string;
  contactEmail: string;
  contactPostal: string;
  /** Before the link to the rights page. */
  contactRights: string;
}
