/** German wording of the privacy notice. */
import type { NoticeStrings } from "./types";

const count = (n: number) => n.toLocaleString("de-DE");

/** The notice in German. */
export const de: NoticeStrings = {
  days: (n) => (n === 1 ? "1 Tag" : `${count(n)} Tage`),
  years: (n) => (n === 1 ? "1 Jahr" : `${count(n)} Jahre`),
  intro: (site, lastUpdated, version) =>
    `Dieser Abschnitt erklärt, wie ${site} Ihre Datenschutz-Entscheidungen einholt und speichert, welche Anbieter für welchen Zweck Daten erhalten, wie lange Daten gespeichert werden und wie Sie Ihre Rechte ausüben. Stand: ${lastUpdated} (Version ${version}).`,
  quote: (text) => `„${text}“`,
  privacyChoices: "Datenschutz-Einstellungen",

  purposesTitle: "Zwecke und Anbieter",
  purposesIntro:
    "Wir verwenden Daten für die folgenden Zwecke. Wo das Gesetz eine Einwilligung verlangt (zum Beispiel in der EU, im Vereinigten Königreich und in der Schweiz), nutzen wir optionale Zwecke nur, wenn Sie sie erlauben; anderswo können sie aktiv sein, bis Sie sie abschalten. Sie können Ihre Entscheidung jederzeit so einfach ändern, wie Sie sie getroffen haben:",
  cookiePolicyLead: "Einzelheiten zu Cookies und ähnlicher Speicherung:",
  cookiePolicyLink: "Cookie-Richtlinie",
  alwaysOn: "Immer aktiv: nötig, damit die Website funktioniert und Ihre Entscheidungen gespeichert bleiben.",
  optional: "Optional: Sie entscheiden, ob er genutzt wird.",
  saleOrSharing:
    "Nach den Datenschutzgesetzen von US-Bundesstaaten kann dieser Zweck als Verkauf oder Weitergabe personenbezogener Daten oder als zielgerichtete Werbung gelten; Sie können jederzeit widersprechen, und wir beachten Global Privacy Control:",
  gpcLinkText: "wie wir Opt-out-Signale behandeln",
  vendorsCaption: (category) => `Anbieter für „${category}“`,
  vendorHead: { name: "Anbieter (Datenschutzerklärung)", purpose: "Was er tut", party: "Wer", kept: "Speicherdauer" },
  firstParty: "wir",
  thirdParty: "Dritter",
  storageCaption: (category) => `Cookies und Speicher für „${category}“`,
  storageHead: { name: "Name", type: "Art", duration: "Dauer" },
  storageTypes: { cookie: "Cookie", localStorage: "lokaler Speicher", sessionStorage: "Sitzungsspeicher", indexedDB: "IndexedDB" },
  session: "bis der Browser geschlossen wird",

  communicationsTitle: "E-Mail",
  communicationsIntro: (confirmDays) =>
    `In den Datenschutz-Einstellungen können Sie die folgenden Listen abonnieren. Wir senden zuerst einen Bestätigungslink an die Adresse (er gilt ${confirmDays}); sonst senden wir nichts, bis Sie ihn anklicken. Das Abonnement ist unabhängig von den Entscheidungen oben: Wer einen Zweck erlaubt, abonniert damit nichts. Jede Nachricht enthält einen Link, mit dem Sie sich mit einem Klick abmelden.`,

  retentionTitle: "Wie lange wir Daten speichern",
  retentionIntro: "Wir speichern jede Art von Daten nur so lange, wie die Tabelle angibt; danach werden sie automatisch gelöscht.",
  retentionCaption: "Speicherfristen",
  retentionHead: { data: "Daten", kept: "Speicherdauer", how: "Wie sie gelöscht werden" },
  retention: {
    "browser-record": {
      data: "Ihre Datenschutz-Entscheidungen in Ihrem Browser",
      kept: (p, period) =>
        `${p.grantDays === p.refusalDays
          ? `${period(p.grantDays)}, gleich was Sie gewählt haben; dann fragen wir erneut`
          : `${period(p.grantDays)}, wenn Sie etwas erlaubt haben, ${period(p.refusalDays)}, wenn Sie abgelehnt haben; dann fragen wir erneut`}; ein Widerspruch gegen Verkauf oder Weitergabe Ihrer Daten mindestens ${period(p.optOutDays)}`,
      how: "Eine abgelaufene Entscheidung gilt nicht mehr und wird durch Ihre nächste ersetzt; „Meine Daten löschen“ in den Datenschutz-Einstellungen entfernt sie sofort.",
    },
    "preference-state": {
      data: "Ihre Datenschutz-Entscheidungen in unserem Einwilligungsdienst",
      kept: (p, period) => `bis Ihre Entscheidung abläuft (${p.grantDays === p.refusalDays ? period(p.grantDays) : `${period(p.grantDays)} bzw. ${period(p.refusalDays)}`})`,
      how: "Läuft automatisch ab; wird sofort gelöscht, wenn Sie Ihre Daten löschen.",
    },
    proof: {
      data: "Nachweis Ihrer Einwilligung (was Sie wann unter welcher Fassung dieses Hinweises gewählt haben; keine IP-Adresse)",
      kept: (p, period) => `die Geltungsdauer Ihrer Entscheidung plus ${period(p.proofDays)}; bei einem Widerspruch gegen Verkauf oder Weitergabe mindestens ${period(p.optOutProofDays)} ab dem Widerspruch`,
      how: "Wird durch einen täglichen Lauf gelöscht; sofort, wenn Sie Ihre Daten löschen.",
    },
    "signup-requests": {
      data: "E-Mail-Anmeldungen, die auf Bestätigung warten",
      kept: (p, period) => `bis Sie bestätigen, höchstens ${period(p.confirmDays)}`,
      how: "Bestätigt oder gelöscht, wenn der Link abläuft.",
    },
    subscriptions: {
      data: "Ihre E-Mail-Abonnements (Ihre Adresse)",
      kept: () => "bis Sie sich abmelden oder die Löschung Ihrer Daten verlangen",
      how: "Die Adresse wird bei der Abmeldung entfernt.",
    },
    "subscription-history": {
      data: "Der Verlauf Ihrer E-Mail-Einwilligungen (mit einem mit geheimem Schlüssel gebildeten Fingerabdruck der Adresse, nicht der Adresse selbst)",
      kept: () => "bis Sie die Löschung Ihrer Daten verlangen",
      how: "Wird auf Anfrage mit Ihren Daten gelöscht.",
    },
    suppressions: {
      data: "Ein mit einem geheimen Schlüssel gebildeter Fingerabdruck einer abgemeldeten oder gelöschten Adresse",
      kept: () => "unbefristet",
      how: "Nur gespeichert, damit die Adresse nie wieder eingetragen oder angeschrieben wird; die Adresse lässt sich daraus nicht zurückgewinnen.",
    },
    "rights-requests": {
      data: "Ihre Datenschutz-Anfragen",
      kept: (p, period) => `solange sie offen sind, mit Ihrer Adresse; nach dem Abschluss nur Daten, Art und Ergebnis, für ${period(p.rightsLogDays)}`,
      how: "Ihre Adresse wird beim Abschluss der Anfrage entfernt; der Rest wird durch einen täglichen Lauf gelöscht.",
    },
  },
  vendorRetention: "Jeder Anbieter speichert Daten für die oben neben ihm angegebene Dauer.",

  rightsTitle: "Ihre Rechte und wie Sie sie ausüben",
  rightsIntro: (verifyDays) =>
    `Sie können die folgenden Anfragen jederzeit kostenlos stellen. Jedes Formular fragt nur, was es braucht; eine Anfrage zu Ihrer E-Mail-Adresse bestätigen Sie über einen Link, den wir an sie senden (er gilt ${verifyDays}). Ein Widerspruch gegen Verkauf oder Weitergabe braucht keine Bestätigung.`,
  rightsChoices: "Sie können Ihre Einwilligung jederzeit widerrufen oder ändern und den Nachweis Ihrer Entscheidungen herunterladen oder löschen, in den",
  rightsAll: "Alle Anfragen an einem Ort:",
  deadlineGdpr: "Nach der DSGVO antworten wir innerhalb eines Monats. Bei komplexen Anfragen können wir zwei weitere Monate benötigen; das teilen wir Ihnen innerhalb des ersten Monats mit Begründung mit.",
  deadlineCcpa: "Nach kalifornischem Recht bestätigen wir Ihre Anfrage innerhalb von 10 Werktagen und antworten innerhalb von 45 Tagen (einmal um weitere 45 Tage verlängerbar, mit Mitteilung). Ein Widerspruch wird so bald wie möglich wirksam, spätestens nach 15 Werktagen.",
  complaint: "Sie haben außerdem das Recht, sich bei einer Datenschutz-Aufsichtsbehörde zu beschweren, insbesondere in dem Land, in dem Sie wohnen oder arbeiten.",
  nonDiscrimination: "Wir benachteiligen Sie nicht, wenn Sie eines dieser Rechte ausüben.",

  gpcTitle: "Opt-out-Signale (Global Privacy Control)",
  gpcAbides: (site) => `${site} beachtet Opt-out-Signale wie Global Privacy Control (GPC) und handelt danach („responds to and abides by opt-out preference signals“).`,
  gpcEffect:
    "Sendet Ihr Browser das Signal, behandeln wir es als gültigen Widerspruch gegen den Verkauf und die Weitergabe Ihrer personenbezogenen Daten und gegen zielgerichtete Werbung, für diesen Browser und, wenn Sie angemeldet sind, für Ihr Konto. Diese Zwecke werden ohne Rückfrage abgeschaltet:",
  gpcConflict:
    "Widerspricht das Signal einer Entscheidung, die Sie getroffen haben, etwa „Alle akzeptieren“ vor oder nach dem Signal, hat das Signal Vorrang: Diese Zwecke bleiben in diesem Browser aus, solange er das Signal sendet, und wir speichern den Widerspruch. Ihre Entscheidungen zu den übrigen Zwecken bleiben, wie Sie sie getroffen haben. Um diese Zwecke wieder zu erlauben, schalten Sie zuerst das Signal in Ihrem Browser ab und ändern dann Ihre Entscheidung in den Datenschutz-Einstellungen.",
  gpcShown: "Wurde das Signal umgesetzt, teilt die Website Ihnen das mit:",
  gpcNothingToSell:
    "Keiner unserer Zwecke verkauft oder teilt personenbezogene Daten oder dient zielgerichteter Werbung; das Signal ändert hier daher nichts. Sollte sich das ändern, beachten wir es.",
  gpcElsewhere: "Das Signal gilt für den Browser, der es sendet. Um überall sonst zu widersprechen, etwa für Ihre E-Mail-Adresse, nutzen Sie",

  californiaLead: "Wenn Sie in Kalifornien wohnen, stehen Ihnen die oben genannten Rechte zu. Außerdem:",
  stlDisclosure:
    "Nach Section 1798.83 des kalifornischen Civil Code („Shine the Light“) können Kunden mit Wohnsitz in Kalifornien einmal im Jahr kostenlos erfragen, welche Kategorien personenbezogener Daten wir im vorangegangenen Kalenderjahr an Dritte für deren eigene Direktwerbung weitergegeben haben, sowie Namen und Anschriften dieser Dritten. Wir antworten innerhalb von 30 Tagen.",
  stlRecipients: "Derzeit geben wir personenbezogene Daten für deren eigene Direktwerbung weiter an:",
  stlNoRecipients: "Derzeit geben wir keine personenbezogenen Daten an Dritte für deren eigene Direktwerbung weiter.",
  stlExemption:
    "Wir geben Ihre personenbezogenen Daten nicht an Dritte für deren eigene Direktwerbung weiter, wenn Sie uns das untersagt haben (Section 1798.83(c)(2) des kalifornischen Civil Code). Das können Sie jederzeit kostenlos tun:",
  stlExemptionOr: "oder",
  stlRequest: "Anfrage stellen:",
  californiaAll: "Alle kalifornischen Anfragen:",

  minorsTitle: "Von Minderjährigen veröffentlichte Inhalte (Kalifornien)",
  minorsHow: "Um die Entfernung zu verlangen, nennen Sie uns in diesem Formular, wo sich die Inhalte befinden (Links oder eine Beschreibung); nach Ihrem Alter fragen wir nicht:",

  childrenTitle: "Kinder",
  childrenNotDirected:
    "Diese Website richtet sich nicht an Kinder unter 13 Jahren, und wir erheben wissentlich keine personenbezogenen Daten von ihnen. In der EU ist bei Diensten, die einem Kind direkt angeboten werden und auf einer Einwilligung beruhen, unter 16 Jahren (oder dem in Ihrem Land festgelegten niedrigeren Alter) die Einwilligung der Eltern nötig.",
  childrenDirected:
    "Weil sich diese Website an Kinder richtet, erhebt sie keine E-Mail-Adressen und bietet keine Newsletter-Anmeldung an; Ihre Entscheidungen oben werden nur wie beschrieben gespeichert.",
  childrenDelete: "Wenn Sie Elternteil oder Erziehungsberechtigter sind und glauben, dass Ihr Kind uns personenbezogene Daten gegeben hat, verlangen Sie die Löschung:",

  contactTitle: "Kontakt",
  contactIntro: (site) => `Bei Fragen zum Datenschutz bei ${site}:`,
  contactEmail: "E-Mail:",
  contactPostal: "Post:",
  contactRights: "Datenschutz-Anfragen:",
};
