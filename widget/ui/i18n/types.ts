/**
 * The widget's own wording: labels of its controls and messages. What the site says (banner
 * title and description, purposes, vendors, lists, the GPC line) is not here: it comes from
 * `bootstrap.texts` in the negotiated language.
 *
 * Split in two so each bundle carries only its half: the first layer's labels are shared with
 * the Worker, which sends them with bootstrap (shared/banner-strings/); the preference center's
 * are here, in its lazily loaded chunk. Plurals are functions.
 */
import type { BannerStrings } from "../../../shared/banner-strings/types";

export type { BannerStrings };

/** Strings of the lazily loaded chunk: the preference center and the embed placeholder. */
export interface PreferencesStrings {
  /** The embed placeholder's button that grants its categories. */
  load: string;
  /** `host` is the embed's host name; `purposes` the category titles, already joined. */
  embed: (host: string, purposes: string) => string;
  /** The dialog's heading and accessible name. */
  title: string;
  intro: string;
  close: string;
  /** Shown under the locked `necessary` switch (R1.4). */
  alwaysOn: string;
  /** Summary of a category's details: how many vendors and storage items. */
  details: (vendors: number, items: number) => string;
  vendors: string;
  storage: string;
  thirdParty: string;
  firstParty: string;
  /** `duration` is already formatted ("400 days", "1.1 years"). */
  retention: (duration: string) => string;
  /** Duration of a storage item that lasts for the browser session. */
  session: string;
  storageTypes: Record<"cookie" | "localStorage" | "sessionStorage" | "indexedDB", string>;
  save: string;
  saved: string;
  receipt: string;
  notRecorded: string;
  yourData: string;
  /** The links to the site's rights page (`/r/{siteId}`) and its California section (R9.7). */
  rightsLink: string;
  californiaRightsLink: string;
  download: string;
  deleteData: string;
  deleteConfirm: string;
  deleteYes: string;
  cancel: string;
  deleted: string;
  failed: string;
  /** The email lists section (separate from cookie consent, R0.2). */
  emailHeading: string;
  emailIntro: string;
  emailAddress: string;
  signUp: string;
  /** A list's status: not subscribed, waiting for the confirmation click, subscribed, left. */
  listStatus: Record<"none" | "pending" | "confirmed" | "unsubscribed", string>;
  /** After a signup: where the confirmation went. */
  checkInbox: (email: string) => string;
  chooseList: string;
  invalidEmail: string;
}

/**
 * The signup's Turnstile messages (when the site protects its signup): not solved yet, cannot
 * load or cannot be verified, refused. In the lazily loaded chunk only (./challenge.ts).
 */
export interface ChallengeStrings {
  challengeNeeded: string;
  challengeUnavailable: string;
  challengeFailed: string;
}

/** Everything the UI says; the preference center sees both halves. */
export type UiStrings = BannerStrings & PreferencesStrings & ChallengeStrings;
