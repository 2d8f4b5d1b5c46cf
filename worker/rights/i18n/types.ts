/**
 * The wording of the rights pages and messages (worker/rights/), one table per language the
 * widget speaks (shared/languages.ts). Functions take what the sentence names; dates arrive
 * formatted for the language already.
 */
import type { RightsRequestType } from "../../contract";

/** The name and one-line description of a request type. */
export interface TypeWording {
  name: string;
  description: string;
}

export interface RightsStrings {
  /** The rights page's title and the California section's. */
  title: string;
  californiaTitle: string;
  intro: (site: string) => string;
  californiaIntro: string;
  types: Record<RightsRequestType, TypeWording>;
  /** The notice of California's minors' law (Bus. & Prof. Code 22581), shown with the request type. */
  minorNotice: string;
  /** Shown on a site directed to children instead of the email-linked requests. */
  childDirectedNote: string;

  // The form.
  emailLabel: string;
  emailHelpVerify: (days: number) => string;
  emailHelpAnswer: string;
  optOutEmailLabel: string;
  correctionLabel: string;
  newEmailLabel: string;
  contentLocationLabel: string;
  californiaResidentLabel: string;
  parentOrGuardianLabel: string;
  childEmailLabel: string;
  detailsLabel: string;
  optional: string;
  submit: string;
  back: string;
  fixErrors: string;
  errorEmail: string;
  errorRequired: string;
  errorStatement: string;
  unavailable: string;
  /** A form sent with more than the body cap (R6.3). */
  tooLong: string;
  tooMany: string;
  /** A message could not be sent, so nothing was recorded. */
  sendFailed: string;

  // Results.
  checkEmailTitle: string;
  checkEmail: (days: number) => string;
  optOutDoneTitle: string;
  optOutDone: string;
  optOutBrowser: string;
  answerSentTitle: string;
  answerSent: string;
  receivedTitle: string;
  dueLine: (date: string) => string;

  // The verification page.
  verifyTitle: string;
  verifyIntro: (type: string) => string;
  verifyButton: string;
  verifiedTitle: string;
  accessReady: (days: number) => string;
  downloadButton: string;
  deletionDone: string;
  propagation: string;
  newAddressSent: string;
  newAddressTitle: string;
  newAddressIntro: string;
  /** On a correction's verification page: where the subscriptions would move. */
  movesTo: (email: string) => string;
  newAddressButton: string;
  newAddressDone: string;
  ownerNext: string;
  goneTitle: string;
  goneBody: string;
  invalidLink: string;

  // Messages to the requester.
  verifySubject: (site: string) => string;
  verifyBody: (type: string, received: string) => string;
  verifyAction: string;
  verifyIgnore: (days: number) => string;
  accessSubject: (site: string) => string;
  accessBody: (days: number) => string;
  newAddressSubject: (site: string) => string;
  newAddressBody: string;
  stlSubject: (site: string) => string;
  stlIntro: (site: string, year: number) => string;
  stlNone: (site: string, year: number) => string;
  stlExemption: (site: string) => string;
  stlRepeat: string;
  stlRecipient: (name: string, address: string, information: string) => string;
  extendSubject: (site: string) => string;
  extendBody: (reason: string, date: string) => string;
  deniedSubject: (site: string) => string;
  deniedBody: (basis: string) => string;
  completedSubject: (site: string) => string;
  completedBody: string;
  signOff: string;
}
