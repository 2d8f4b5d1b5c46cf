/** Français. */
import type { PreferencesStrings } from "../types";

/** French counts 0 and 1 as singular. */
const one = (n: number) => n < 2;

export const preferences: PreferencesStrings = {
  load: "Charger",
  embed: (host, purposes) => `Ce contenu de ${host} nécessite votre consentement pour\u00a0: ${purposes}.`,
  title: "Préférences de confidentialité",
  intro: "Choisissez les finalités que vous autorisez. Les traceurs strictement nécessaires sont toujours actifs. Vous pouvez modifier vos choix à tout moment.",
  close: "Fermer",
  alwaysOn: "Toujours actif\u00a0: le site en a besoin pour fonctionner.",
  details: (v, s) => `${v} ${one(v) ? "prestataire" : "prestataires"}, ${s} ${one(s) ? "traceur" : "traceurs"}`,
  vendors: "Prestataires",
  storage: "Cookies et stockage",
  thirdParty: "Tiers",
  firstParty: "Ce site",
  retention: (d) => `Conserve les données pendant ${d}`,
  session: "Session",
  storageTypes: { cookie: "Cookie", localStorage: "Stockage local", sessionStorage: "Stockage de session", indexedDB: "IndexedDB" },
  save: "Enregistrer mes choix",
  saved: "Préférences enregistrées.",
  receipt: "Reçu",
  notRecorded: "pas encore enregistré",
  yourData: "Vos données",
  rightsLink: "Vos droits en matière de confidentialité",
  californiaRightsLink: "Vos droits de confidentialité en Californie",
  download: "Télécharger mes données",
  deleteData: "Supprimer mes données",
  deleteConfirm: "Supprimer votre preuve de consentement et son historique de notre serveur\u00a0? Cette action est irréversible et vos choix vous seront demandés à nouveau.",
  deleteYes: "Oui, supprimer",
  cancel: "Annuler",
  deleted: "Vos données ont été supprimées.",
  failed: "Cela n’a pas fonctionné. Veuillez réessayer.",
  emailHeading: "E-mail",
  emailIntro: "Indépendant des choix ci-dessus : cochez une liste et confirmez depuis votre boîte de réception. Chaque message contient un lien de désabonnement.",
  emailAddress: "Adresse e-mail",
  signUp: "S’inscrire",
  listStatus: { none: "Non abonné", pending: "Confirmez depuis votre boîte de réception", confirmed: "Abonné", unsubscribed: "Désabonné" },
  checkInbox: (email) => `Nous avons envoyé un lien de confirmation à ${email}.`,
  chooseList: "Choisissez au moins une liste.",
  invalidEmail: "Saisissez une adresse e-mail valide.",
};
