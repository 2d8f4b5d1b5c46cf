/** French wording of the privacy notice (a no-break space before ; and : as French typography wants, as in worker/rights/i18n/fr.ts). */
import type { NoticeStrings } from "./types";

const count = (n: number) => n.toLocaleString("fr-FR");

/** The notice in French. */
export const fr: NoticeStrings = {
  days: (n) => (n === 1 ? "1 jour" : `${count(n)} jours`),
  years: (n) => (n === 1 ? "1 an" : `${count(n)} ans`),
  intro: (site, lastUpdated, version) =>
    `Cette section explique comment ${site} recueille et enregistre vos choix en matière de confidentialité, quels prestataires reçoivent des données pour chaque finalité, combien de temps les données sont conservées et comment exercer vos droits. Dernière mise à jour\u00a0: ${lastUpdated} (version ${version}).`,
  quote: (text) => `«\u00a0${text}\u00a0»`,
  privacyChoices: "Choix de confidentialité",

  purposesTitle: "Finalités et prestataires",
  purposesIntro:
    "Nous utilisons des données pour les finalités ci-dessous. Là où la loi exige un consentement (par exemple dans l’UE, au Royaume-Uni et en Suisse), les finalités facultatives ne sont utilisées que si vous les autorisez\u00a0; ailleurs, elles peuvent être actives jusqu’à ce que vous les désactiviez. Vous pouvez modifier votre choix à tout moment, aussi facilement que vous l’avez fait\u00a0:",
  cookiePolicyLead: "Détail des cookies et traceurs similaires\u00a0:",
  cookiePolicyLink: "politique relative aux cookies",
  alwaysOn: "Toujours actif\u00a0: nécessaire au fonctionnement du site et à la mémorisation de vos choix.",
  optional: "Facultatif\u00a0: vous décidez s’il est utilisé.",
  saleOrSharing:
    "Au regard des lois de certains États américains, cette finalité peut constituer une vente ou un partage de données personnelles ou de la publicité ciblée\u00a0; vous pouvez vous y opposer à tout moment, et nous respectons le signal Global Privacy Control\u00a0:",
  gpcLinkText: "comment nous traitons les signaux d’opposition",
  vendorsCaption: (category) => `Prestataires pour «\u00a0${category}\u00a0»`,
  vendorHead: { name: "Prestataire (politique de confidentialité)", purpose: "Ce qu’il fait", party: "Qui", kept: "Conservation" },
  firstParty: "nous",
  thirdParty: "tiers",
  storageCaption: (category) => `Cookies et stockage pour «\u00a0${category}\u00a0»`,
  storageHead: { name: "Nom", type: "Type", duration: "Durée" },
  storageTypes: { cookie: "cookie", localStorage: "stockage local", sessionStorage: "stockage de session", indexedDB: "IndexedDB" },
  session: "jusqu’à la fermeture du navigateur",

  communicationsTitle: "E-mail",
  communicationsIntro: (confirmDays) =>
    `Vous pouvez vous abonner aux listes ci-dessous dans les Choix de confidentialité. Nous envoyons d’abord un lien de confirmation à l’adresse (valable ${confirmDays})\u00a0; rien d’autre n’est envoyé tant que vous ne l’avez pas cliqué. L’abonnement est indépendant des choix ci-dessus\u00a0: autoriser une finalité ne vous abonne à rien. Chaque message contient un lien de désabonnement en un clic.`,

  retentionTitle: "Durée de conservation des données",
  retentionIntro: "Nous ne conservons chaque type de données que pendant la durée indiquée dans le tableau\u00a0; à son terme, elles sont supprimées automatiquement.",
  retentionCaption: "Durées de conservation",
  retentionHead: { data: "Données", kept: "Conservation", how: "Mode de suppression" },
  retention: {
    "browser-record": {
      data: "Vos choix de confidentialité, dans votre navigateur",
      kept: (p, period) =>
        `${p.grantDays === p.refusalDays
          ? `${period(p.grantDays)}, quel que soit votre choix\u00a0; nous vous redemandons ensuite`
          : `${period(p.grantDays)} si vous avez autorisé quelque chose, ${period(p.refusalDays)} si vous avez refusé\u00a0; nous vous redemandons ensuite`} ; une opposition à la vente ou au partage de vos données, au moins ${period(p.optOutDays)}`,
      how: "Un choix expiré ne compte plus et votre choix suivant le remplace\u00a0; «\u00a0Supprimer mes données\u00a0» dans les Choix de confidentialité l’efface immédiatement.",
    },
    "preference-state": {
      data: "Vos choix de confidentialité, sur notre service de consentement",
      kept: (p, period) => `jusqu’à l’expiration de votre choix (${p.grantDays === p.refusalDays ? period(p.grantDays) : `${period(p.grantDays)} ou ${period(p.refusalDays)}`})`,
      how: "Expire automatiquement\u00a0; supprimé immédiatement si vous supprimez vos données.",
    },
    proof: {
      data: "Preuve de votre consentement (ce que vous avez choisi, quand, sous quelle version de cette notice\u00a0; sans adresse IP)",
      kept: (p, period) => `la durée de validité de votre choix plus ${period(p.proofDays)} ; pour une opposition à la vente ou au partage, au moins ${period(p.optOutProofDays)} à compter de celle-ci`,
      how: "Supprimée par un traitement quotidien\u00a0; immédiatement si vous supprimez vos données.",
    },
    "signup-requests": {
      data: "Inscriptions par e-mail en attente de confirmation",
      kept: (p, period) => `jusqu’à votre confirmation, au plus ${period(p.confirmDays)}`,
      how: "Confirmées, ou supprimées à l’expiration du lien.",
    },
    subscriptions: {
      data: "Vos abonnements par e-mail (votre adresse)",
      kept: () => "jusqu’à votre désabonnement ou votre demande de suppression",
      how: "L’adresse est effacée lors du désabonnement.",
    },
    "subscription-history": {
      data: "L’historique de vos consentements par e-mail (avec une empreinte de l’adresse calculée avec une clé secrète, pas l’adresse)",
      kept: () => "jusqu’à votre demande de suppression",
      how: "Supprimé avec vos données sur demande.",
    },
    suppressions: {
      data: "Une empreinte, calculée avec une clé secrète, d’une adresse désabonnée ou supprimée",
      kept: () => "sans limite de durée",
      how: "Conservée uniquement pour que l’adresse ne soit plus jamais ajoutée ni contactée\u00a0; elle ne permet pas de retrouver l’adresse.",
    },
    "rights-requests": {
      data: "Vos demandes relatives à vos droits",
      kept: (p, period) => `tant qu’elles sont ouvertes, avec votre adresse\u00a0; une fois closes, seulement les dates, le type et l’issue, pendant ${period(p.rightsLogDays)}`,
      how: "Votre adresse est effacée à la clôture de la demande\u00a0; le reste est supprimé par un traitement quotidien.",
    },
  },
  vendorRetention: "Chaque prestataire conserve les données pendant la durée indiquée à côté de son nom ci-dessus.",

  rightsTitle: "Vos droits et comment les exercer",
  rightsIntro: (verifyDays) =>
    `Vous pouvez faire les demandes ci-dessous à tout moment, gratuitement. Chaque formulaire ne demande que le nécessaire\u00a0; une demande concernant votre adresse e-mail est confirmée par un lien que nous y envoyons (valable ${verifyDays}). Une opposition à la vente ou au partage ne demande aucune confirmation.`,
  rightsChoices: "Vous pouvez retirer ou modifier votre consentement à tout moment, et télécharger ou supprimer l’enregistrement de vos choix, dans les",
  rightsAll: "Toutes les demandes au même endroit\u00a0:",
  deadlineGdpr:
    "Au titre du RGPD, nous répondons dans un délai d’un mois. Pour une demande complexe, ce délai peut être prolongé de deux mois\u00a0; nous vous en informons dans le premier mois, avec les motifs.",
  deadlineCcpa:
    "Au titre du droit californien, nous accusons réception de votre demande sous 10 jours ouvrés et répondons sous 45 jours (prolongeables une fois de 45 jours, avec information). Une opposition prend effet dès que possible, au plus tard sous 15 jours ouvrés.",
  complaint: "Vous avez aussi le droit d’introduire une réclamation auprès d’une autorité de contrôle de la protection des données, notamment dans le pays où vous vivez ou travaillez.",
  nonDiscrimination: "Nous ne vous traiterons pas différemment parce que vous exercez l’un de ces droits.",

  gpcTitle: "Signaux d’opposition (Global Privacy Control)",
  gpcAbides: (site) =>
    `${site} prend en compte et respecte les signaux de préférence d’opposition, comme Global Privacy Control (GPC) («\u00a0responds to and abides by opt-out preference signals\u00a0»).`,
  gpcEffect:
    "Lorsque votre navigateur envoie ce signal, nous le traitons comme une demande valable d’opposition à la vente et au partage de vos données personnelles et à la publicité ciblée, pour ce navigateur et, si vous êtes connecté, pour votre compte. Ces finalités sont désactivées sans vous le demander\u00a0:",
  gpcConflict:
    "Si le signal contredit un choix que vous avez fait, par exemple «\u00a0Tout accepter\u00a0» avant ou après le signal, le signal l’emporte\u00a0: ces finalités restent désactivées dans ce navigateur tant qu’il envoie le signal, et nous enregistrons l’opposition. Vos choix pour les autres finalités restent tels que vous les avez faits. Pour autoriser de nouveau ces finalités, désactivez d’abord le signal dans votre navigateur, puis modifiez votre choix dans les Choix de confidentialité.",
  gpcShown: "Quand le signal a été respecté, le site vous l’indique\u00a0:",
  gpcNothingToSell:
    "Aucune de nos finalités ne vend ni ne partage de données personnelles ni ne sert à la publicité ciblée\u00a0: le signal ne change donc rien ici. Nous le respecterions si cela changeait.",
  gpcElsewhere: "Le signal s’applique au navigateur qui l’envoie. Pour vous opposer partout ailleurs, par exemple pour votre adresse e-mail, utilisez",

  californiaLead: "Si vous résidez en Californie, les droits ci-dessus sont les vôtres. En outre\u00a0:",
  stlDisclosure:
    "L’article 1798.83 du Code civil de Californie («\u00a0Shine the Light\u00a0») permet aux clients résidant en Californie de demander, une fois par an et gratuitement, les catégories de données personnelles que nous avons communiquées à des tiers pour leur propre prospection directe au cours de l’année civile précédente, ainsi que les noms et adresses de ces tiers. Nous répondons sous 30 jours.",
  stlRecipients: "Nous communiquons actuellement des données personnelles pour leur propre prospection directe à\u00a0:",
  stlNoRecipients: "Nous ne communiquons actuellement aucune donnée personnelle à des tiers pour leur propre prospection directe.",
  stlExemption:
    "Nous ne communiquons pas vos données personnelles à des tiers pour leur propre prospection directe si vous nous l’avez refusé (article 1798.83(c)(2) du Code civil de Californie). Vous pouvez le refuser à tout moment, gratuitement\u00a0:",
  stlExemptionOr: "ou",
  stlRequest: "Faire une demande\u00a0:",
  californiaAll: "Toutes les demandes californiennes\u00a0:",

  minorsTitle: "Contenus publiés par des mineurs (Californie)",
  minorsHow: "Pour demander le retrait, indiquez-nous dans ce formulaire où se trouve le contenu (liens ou description)\u00a0; nous ne demandons pas votre âge\u00a0:",

  childrenTitle: "Enfants",
  childrenNotDirected:
    "Ce site ne s’adresse pas aux enfants de moins de 13 ans et nous ne collectons pas sciemment leurs données personnelles. Dans l’UE, lorsqu’un service proposé directement à un enfant repose sur le consentement, celui d’un parent est nécessaire avant 16 ans (ou l’âge inférieur fixé par votre pays).",
  childrenDirected:
    "Ce site s’adressant aux enfants, il ne collecte aucune adresse e-mail et ne propose aucune inscription à une lettre d’information\u00a0; vos choix ci-dessus ne sont conservés que de la manière décrite.",
  childrenDelete: "Si vous êtes parent ou tuteur et pensez que votre enfant nous a communiqué des données personnelles, demandez-en la suppression\u00a0:",

  contactTitle: "Contact",
  contactIntro: (site) => `Pour toute question sur la confidentialité chez ${site}\u00a0:`,
  contactEmail: "E-mail\u00a0:",
  contactPostal: "Courrier\u00a0:",
  contactRights: "Demandes relatives à vos droits\u00a0:",
};
