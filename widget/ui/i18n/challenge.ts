/**
 * The signup's Turnstile messages, per language. A module of its own, bundled into the lazily
 * loaded chunk only, so the first-visit bundle's string tables stay exactly as they are.
 */
import type { Lang } from "./index";
import type { ChallengeStrings } from "./types";

export const CHALLENGE: Record<Lang, ChallengeStrings> = {
  en: {
    challengeNeeded: "Complete the security check below, then select Sign up again.",
    challengeUnavailable: "The security check is unavailable right now, so signing up is not possible. Check your connection or try again later.",
    challengeFailed: "The security check did not pass. Please try again.",
  },
  de: {
    challengeNeeded: "Schließen Sie die Sicherheitsprüfung unten ab und wählen Sie dann erneut „Anmelden“.",
    challengeUnavailable: "Die Sicherheitsprüfung ist gerade nicht verfügbar, daher ist keine Anmeldung möglich. Prüfen Sie Ihre Verbindung oder versuchen Sie es später erneut.",
    challengeFailed: "Die Sicherheitsprüfung war nicht erfolgreich. Bitte versuchen Sie es erneut.",
  },
  fr: {
    challengeNeeded: "Effectuez la vérification de sécurité ci-dessous, puis choisissez à nouveau « S’inscrire ».",
    challengeUnavailable: "La vérification de sécurité est indisponible pour le moment : l’inscription est impossible. Vérifiez votre connexion ou réessayez plus tard.",
    challengeFailed: "La vérification de sécurité a échoué. Veuillez réessayer.",
  },
  es: {
    challengeNeeded: "Completa la comprobación de seguridad de abajo y vuelve a pulsar «Suscribirme».",
    challengeUnavailable: "La comprobación de seguridad no está disponible ahora, así que no es posible suscribirse. Revisa tu conexión o inténtalo más tarde.",
    challengeFailed: "La comprobación de seguridad no se superó. Inténtalo de nuevo.",
  },
  ar: {
    challengeNeeded: "أكمل التحقق الأمني أدناه، ثم اختر «اشترك» مرة أخرى.",
    challengeUnavailable: "التحقق الأمني غير متاح الآن، لذا لا يمكن الاشتراك. تحقق من اتصالك أو حاول لاحقًا.",
    challengeFailed: "لم ينجح التحقق الأمني. يُرجى المحاولة مرة أخرى.",
  },
};
