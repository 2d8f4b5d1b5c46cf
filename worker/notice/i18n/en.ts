/** English wording of the privacy notice. */
import type { NoticeStrings } from "./types";

const count = (n: number) => n.toLocaleString("en-US");

/** The notice in English. */
export const en: NoticeStrings = {
  days: (n) => (n === 1 ? "1 day" : `${count(n)} days`),
  years: (n) => (n === 1 ? "1 year" : `${count(n)} years`),
  intro: (site, lastUpdated, version) =>
    `This section explains how ${site} asks for and records your privacy choices, which providers receive data for each purpose, how long data is kept, and how you can use your rights. Last updated: ${lastUpdated} (version ${version}).`,
  quote: (text) => `“${text}”`,
  privacyChoices: "Privacy choices",

  purposesTitle: "Purposes and providers",
  purposesIntro:
    "We use data for the purposes below. Where the law requires consent (for example in the EU, the UK and Switzerland), optional purposes are used only if you allow them; elsewhere they may be on until you turn them off. You can change your choice at any time, as easily as you made it:",
  cookiePolicyLead: "Details of cookies and similar storage:",
  cookiePolicyLink: "cookie policy",
  alwaysOn: "Always active: needed for the site to work and to remember your choices.",
  optional: "Optional: you decide whether it is used.",
  saleOrSharing: "Under US state privacy laws this purpose may count as selling or sharing personal information or targeted advertising; you can opt out at any time, and we honour Global Privacy Control:",
  gpcLinkText: "how we treat opt-out signals",
  vendorsCaption: (category) => `Providers for “${category}”`,
  vendorHead: { name: "Provider (privacy policy)", purpose: "What it does", party: "Who", kept: "Kept for" },
  firstParty: "us",
  thirdParty: "third party",
  storageCaption: (category) => `Cookies and storage for “${category}”`,
  storageHead: { name: "Name", type: "Type", duration: "Lasts" },
  storageTypes: { cookie: "cookie", localStorage: "local storage", sessionStorage: "session storage", indexedDB: "IndexedDB" },
  session: "until the browser is closed",

  communicationsTitle: "Email",
  communicationsIntro: (confirmDays) =>
    `You can sign up for the lists below in Privacy choices. We first send a confirmation link to the address (it works for ${confirmDays}); nothing else is sent until you click it. Signing up is separate from the choices above: allowing a purpose never subscribes you to anything. Every message has a one-click unsubscribe link.`,

  retentionTitle: "How long we keep data",
  retentionIntro: "We keep each kind of data only as long as the table says; when the period ends it is deleted automatically.",
  retentionCaption: "Retention periods",
  retentionHead: { data: "Data", kept: "Kept for", how: "How it is deleted" },
  retention: {
    "browser-record": {
      data: "Your privacy choices, in your browser",
      kept: (p, period) =>
        `${p.grantDays === p.refusalDays
          ? `${period(p.grantDays)}, whatever you chose; then we ask again`
          : `${period(p.grantDays)} if you allowed something, ${period(p.refusalDays)} if you refused; then we ask again`}; an opt-out of the sale or sharing of your data, at least ${period(p.optOutDays)}`,
      how: "An expired choice no longer counts and your next choice replaces it; “Delete my data” in Privacy choices removes it at once.",
    },
    "preference-state": {
      data: "Your privacy choices, on our consent service",
      kept: (p, period) => `until your choice expires (${p.grantDays === p.refusalDays ? period(p.grantDays) : `${period(p.grantDays)} or ${period(p.refusalDays)}`})`,
      how: "Expires automatically; deleted at once when you delete your data.",
    },
    proof: {
      data: "Proof of your consent (what you chose, when, under which version of this notice; no IP address)",
      kept: (p, period) => `the lifetime of your choice plus ${period(p.proofDays)}; for an opt-out of sale or sharing at least ${period(p.optOutProofDays)} from when you made it`,
      how: "Deleted by a daily job; deleted at once when you delete your data.",
    },
    "signup-requests": {
      data: "Email signups waiting for confirmation",
      kept: (p, period) => `until you confirm, at most ${period(p.confirmDays)}`,
      how: "Confirmed or deleted when the link expires.",
    },
    subscriptions: {
      data: "Your email subscriptions (your address)",
      kept: () => "until you unsubscribe or ask us to delete your data",
      how: "The address is removed when you unsubscribe.",
    },
    "subscription-history": {
      data: "The history of your email consents (with a keyed fingerprint of the address, not the address)",
      kept: () => "until you ask us to delete your data",
      how: "Deleted with your data on request.",
    },
    suppressions: {
      data: "A keyed fingerprint of an address that unsubscribed or was deleted",
      kept: () => "indefinitely",
      how: "Kept only so the address is never added or mailed again; it cannot be turned back into the address.",
    },
    "rights-requests": {
      data: "Your privacy requests",
      kept: (p, period) => `while open with your address; once closed, only dates, type and outcome, for ${period(p.rightsLogDays)}`,
      how: "Your address is removed when the request closes; the rest is deleted by a daily job.",
    },
  },
  vendorRetention: "Each provider keeps data for the period shown next to it above.",

  rightsTitle: "Your rights and how to use them",
  rightsIntro: (verifyDays) =>
    `You can make the requests below at any time, free of charge. Each form asks only for what it needs; a request about your email address is confirmed by a link we send to it (the link works for ${verifyDays}). An opt-out of sale or sharing needs no confirmation.`,
  rightsChoices: "You can withdraw or change your consent at any time, and download or delete the record of your choices, in",
  rightsAll: "All requests in one place:",
  deadlineGdpr: "Under the GDPR we answer within one month. For complex requests we may take two more months; we tell you within the first month, and why.",
  deadlineCcpa: "Under California law we confirm your request within 10 business days and answer within 45 days (once extendable by another 45 days, with notice). An opt-out takes effect as soon as possible, within 15 business days at the latest.",
  complaint: "You also have the right to lodge a complaint with a data protection supervisory authority, in particular in the country where you live or work.",
  nonDiscrimination: "We will not discriminate against you for using any of these rights.",

  gpcTitle: "Opt-out preference signals (Global Privacy Control)",
  gpcAbides: (site) => `${site} responds to and abides by opt-out preference signals, such as Global Privacy Control (GPC).`,
  gpcEffect:
    "When your browser sends the signal, we treat it as a valid request to opt out of the sale and sharing of your personal information and of targeted advertising for that browser, and for your account if you are signed in. These purposes are turned off without asking you:",
  gpcConflict:
    "If the signal conflicts with a choice you made, for example “Accept all” before or after the signal, the signal wins: these purposes stay off in that browser for as long as it sends the signal, and we record the opt-out. Your choices for the other purposes stay as you made them. To allow these purposes again, turn the signal off in your browser first, then change your choice in Privacy choices.",
  gpcShown: "When the signal has been honoured, the site tells you so:",
  gpcNothingToSell: "None of our purposes sells or shares personal information or serves targeted advertising, so the signal changes nothing here; we would honour it if that changed.",
  gpcElsewhere: "The signal applies to the browser that sends it. To opt out everywhere else, for example for your email address, use",

  californiaLead: "If you live in California, the rights above are yours. In addition:",
  stlDisclosure:
    "California Civil Code section 1798.83 (“Shine the Light”) lets customers who are California residents ask, once a year and free of charge, for the categories of personal information we disclosed to third parties for their own direct marketing purposes in the preceding calendar year, and the names and addresses of those third parties. We answer within 30 days.",
  stlRecipients: "We currently disclose personal information for their own direct marketing to:",
  stlNoRecipients: "We currently disclose no personal information to third parties for their own direct marketing.",
  stlExemption:
    "We do not disclose your personal information to third parties for their own direct marketing purposes if you have told us not to (California Civil Code section 1798.83(c)(2)). You can tell us so at any time, free of charge:",
  stlExemptionOr: "or",
  stlRequest: "Make a request:",
  californiaAll: "All California requests:",

  minorsTitle: "Content posted by minors (California)",
  minorsHow: "To ask for removal, tell us where the content is (links or a description) on this form; we do not ask your age:",

  childrenTitle: "Children",
  childrenNotDirected:
    "This site is not directed to children under 13, and we do not knowingly collect their personal information. In the EU, where a service offered directly to a child relies on consent, a parent's consent is needed under 16 (or the lower age set by your country).",
  childrenDirected: "Because this site is directed to children, it collects no email addresses and offers no newsletter signup; your choices above are kept only as described.",
  childrenDelete: "If you are a parent or guardian and believe your child gave us personal information, ask us to delete it:",

  contactTitle: "Contact",
  contactIntro: (site) => `For any question about privacy at ${site}:`,
  contactEmail: "Email:",
  contactPostal: "Post:",
  contactRights: "Privacy requests:",
};
