/** Spanish wording of the privacy notice (tú, as the site texts and the rights pages address the reader). */
import type { NoticeStrings } from "./types";

const count = (n: number) => n.toLocaleString("es-ES");

/** The notice in Spanish. */
export const es: NoticeStrings = {
  days: (n) => (n === 1 ? "1 día" : `${count(n)} días`),
  years: (n) => (n === 1 ? "1 año" : `${count(n)} años`),
  intro: (site, lastUpdated, version) =>
    `Esta sección explica cómo ${site} pide y registra tus opciones de privacidad, qué proveedores reciben datos para cada finalidad, cuánto tiempo se conservan los datos y cómo puedes ejercer tus derechos. Última actualización: ${lastUpdated} (versión ${version}).`,
  quote: (text) => `«${text}»`,
  privacyChoices: "Opciones de privacidad",

  purposesTitle: "Finalidades y proveedores",
  purposesIntro:
    "Usamos datos para las finalidades siguientes. Donde la ley exige consentimiento (por ejemplo en la UE, el Reino Unido y Suiza), las finalidades opcionales solo se usan si las permites; en otros lugares pueden estar activas hasta que las desactives. Puedes cambiar tu elección en cualquier momento, con la misma facilidad con que la hiciste:",
  cookiePolicyLead: "Detalles de las cookies y del almacenamiento similar:",
  cookiePolicyLink: "política de cookies",
  alwaysOn: "Siempre activa: necesaria para que el sitio funcione y recuerde tus opciones.",
  optional: "Opcional: tú decides si se usa.",
  saleOrSharing:
    "Según las leyes de privacidad de algunos estados de EE. UU., esta finalidad puede considerarse venta o intercambio de información personal o publicidad dirigida; puedes oponerte en cualquier momento, y respetamos Global Privacy Control:",
  gpcLinkText: "cómo tratamos las señales de exclusión",
  vendorsCaption: (category) => `Proveedores de «${category}»`,
  vendorHead: { name: "Proveedor (política de privacidad)", purpose: "Qué hace", party: "Quién", kept: "Conservación" },
  firstParty: "nosotros",
  thirdParty: "tercero",
  storageCaption: (category) => `Cookies y almacenamiento de «${category}»`,
  storageHead: { name: "Nombre", type: "Tipo", duration: "Duración" },
  storageTypes: { cookie: "cookie", localStorage: "almacenamiento local", sessionStorage: "almacenamiento de sesión", indexedDB: "IndexedDB" },
  session: "hasta que se cierra el navegador",

  communicationsTitle: "Correo electrónico",
  communicationsIntro: (confirmDays) =>
    `Puedes suscribirte a las listas siguientes en Opciones de privacidad. Primero enviamos un enlace de confirmación a la dirección (válido durante ${confirmDays}); no se envía nada más hasta que lo pulses. La suscripción es independiente de las opciones anteriores: permitir una finalidad nunca te suscribe a nada. Cada mensaje incluye un enlace para darte de baja con un clic.`,

  retentionTitle: "Cuánto tiempo conservamos los datos",
  retentionIntro: "Conservamos cada tipo de datos solo durante el plazo que indica la tabla; al terminar, se eliminan automáticamente.",
  retentionCaption: "Plazos de conservación",
  retentionHead: { data: "Datos", kept: "Conservación", how: "Cómo se eliminan" },
  retention: {
    "browser-record": {
      data: "Tus opciones de privacidad, en tu navegador",
      kept: (p, period) =>
        `${p.grantDays === p.refusalDays
          ? `${period(p.grantDays)}, elijas lo que elijas; después volvemos a preguntar`
          : `${period(p.grantDays)} si permitiste algo, ${period(p.refusalDays)} si lo rechazaste; después volvemos a preguntar`}; una exclusión de la venta o el intercambio de tus datos, al menos ${period(p.optOutDays)}`,
      how: "Una elección caducada deja de contar y la siguiente la sustituye; «Eliminar mis datos» en Opciones de privacidad la borra al instante.",
    },
    "preference-state": {
      data: "Tus opciones de privacidad, en nuestro servicio de consentimiento",
      kept: (p, period) => `hasta que caduque tu elección (${p.grantDays === p.refusalDays ? period(p.grantDays) : `${period(p.grantDays)} o ${period(p.refusalDays)}`})`,
      how: "Caduca automáticamente; se elimina al instante si eliminas tus datos.",
    },
    proof: {
      data: "Prueba de tu consentimiento (qué elegiste, cuándo y con qué versión de este aviso; sin dirección IP)",
      kept: (p, period) => `la vigencia de tu elección más ${period(p.proofDays)}; para una exclusión de la venta o el intercambio, al menos ${period(p.optOutProofDays)} desde que la hiciste`,
      how: "La elimina un proceso diario; al instante si eliminas tus datos.",
    },
    "signup-requests": {
      data: "Suscripciones por correo pendientes de confirmación",
      kept: (p, period) => `hasta que confirmes, como máximo ${period(p.confirmDays)}`,
      how: "Se confirman o se eliminan cuando caduca el enlace.",
    },
    subscriptions: {
      data: "Tus suscripciones por correo (tu dirección)",
      kept: () => "hasta que te des de baja o pidas que eliminemos tus datos",
      how: "La dirección se borra al darte de baja.",
    },
    "subscription-history": {
      data: "El historial de tus consentimientos por correo (con una huella de la dirección calculada con una clave secreta, no la dirección)",
      kept: () => "hasta que pidas que eliminemos tus datos",
      how: "Se elimina con tus datos si lo pides.",
    },
    suppressions: {
      data: "Una huella, calculada con una clave secreta, de una dirección dada de baja o eliminada",
      kept: () => "indefinidamente",
      how: "Se guarda solo para que la dirección no vuelva a añadirse ni a recibir correos; no permite recuperar la dirección.",
    },
    "rights-requests": {
      data: "Tus solicitudes de privacidad",
      kept: (p, period) => `mientras están abiertas, con tu dirección; una vez cerradas, solo fechas, tipo y resultado, durante ${period(p.rightsLogDays)}`,
      how: "Tu dirección se borra al cerrarse la solicitud; el resto lo elimina un proceso diario.",
    },
  },
  vendorRetention: "Cada proveedor conserva los datos durante el plazo indicado junto a su nombre más arriba.",

  rightsTitle: "Tus derechos y cómo ejercerlos",
  rightsIntro: (verifyDays) =>
    `Puedes hacer las solicitudes siguientes en cualquier momento y de forma gratuita. Cada formulario pide solo lo necesario; una solicitud sobre tu dirección de correo se confirma con un enlace que enviamos a ella (válido durante ${verifyDays}). Oponerte a la venta o al intercambio no requiere confirmación.`,
  rightsChoices: "Puedes retirar o cambiar tu consentimiento en cualquier momento, y descargar o eliminar el registro de tus opciones, en",
  rightsAll: "Todas las solicitudes en un solo lugar:",
  deadlineGdpr: "Según el RGPD, respondemos en el plazo de un mes. En solicitudes complejas podemos necesitar dos meses más; te lo comunicamos dentro del primer mes, con los motivos.",
  deadlineCcpa:
    "Según la ley de California, confirmamos tu solicitud en 10 días hábiles y respondemos en 45 días (prorrogables una vez otros 45, con aviso). Una exclusión surte efecto lo antes posible, como máximo en 15 días hábiles.",
  complaint: "También tienes derecho a presentar una reclamación ante una autoridad de protección de datos, en particular en el país donde vives o trabajas.",
  nonDiscrimination: "No te discriminaremos por ejercer ninguno de estos derechos.",

  gpcTitle: "Señales de exclusión (Global Privacy Control)",
  gpcAbides: (site) => `${site} atiende y respeta las señales de preferencia de exclusión, como Global Privacy Control (GPC) («responds to and abides by opt-out preference signals»).`,
  gpcEffect:
    "Cuando tu navegador envía la señal, la tratamos como una solicitud válida de exclusión de la venta y el intercambio de tu información personal y de la publicidad dirigida, para ese navegador y, si has iniciado sesión, para tu cuenta. Estas finalidades se desactivan sin preguntarte:",
  gpcConflict:
    "Si la señal contradice una elección que hiciste, por ejemplo «Aceptar todo» antes o después de la señal, prevalece la señal: estas finalidades siguen desactivadas en ese navegador mientras envíe la señal, y registramos la exclusión. Tus elecciones para las demás finalidades siguen como las hiciste. Para volver a permitir estas finalidades, desactiva primero la señal en tu navegador y después cambia tu elección en Opciones de privacidad.",
  gpcShown: "Cuando se ha respetado la señal, el sitio te lo indica:",
  gpcNothingToSell:
    "Ninguna de nuestras finalidades vende ni intercambia información personal ni sirve para publicidad dirigida, así que la señal no cambia nada aquí; la respetaríamos si eso cambiara.",
  gpcElsewhere: "La señal se aplica al navegador que la envía. Para excluirte en cualquier otro lugar, por ejemplo para tu dirección de correo, usa",

  californiaLead: "Si vives en California, los derechos anteriores son tuyos. Además:",
  stlDisclosure:
    "La sección 1798.83 del Código Civil de California («Shine the Light») permite a los clientes residentes en California pedir, una vez al año y gratis, las categorías de información personal que comunicamos a terceros para su propio marketing directo durante el año natural anterior, y los nombres y direcciones de esos terceros. Respondemos en 30 días.",
  stlRecipients: "Actualmente comunicamos información personal para su propio marketing directo a:",
  stlNoRecipients: "Actualmente no comunicamos información personal a terceros para su propio marketing directo.",
  stlExemption:
    "No comunicamos tu información personal a terceros para su propio marketing directo si nos has dicho que no lo hagamos (sección 1798.83(c)(2) del Código Civil de California). Puedes decírnoslo en cualquier momento, gratis:",
  stlExemptionOr: "o",
  stlRequest: "Hacer una solicitud:",
  californiaAll: "Todas las solicitudes de California:",

  minorsTitle: "Contenido publicado por menores (California)",
  minorsHow: "Para pedir la retirada, indícanos en este formulario dónde está el contenido (enlaces o una descripción); no te preguntamos la edad:",

  childrenTitle: "Menores",
  childrenNotDirected:
    "Este sitio no está dirigido a menores de 13 años y no recogemos a sabiendas su información personal. En la UE, cuando un servicio ofrecido directamente a un menor se basa en el consentimiento, se necesita el de un progenitor por debajo de los 16 años (o de la edad inferior que fije tu país).",
  childrenDirected:
    "Como este sitio está dirigido a menores, no recoge direcciones de correo ni ofrece suscripción a boletines; tus opciones anteriores solo se conservan como se describe.",
  childrenDelete: "Si eres padre, madre o tutor y crees que tu hijo o hija nos dio información personal, pide que la eliminemos:",

  contactTitle: "Contacto",
  contactIntro: (site) => `Para cualquier pregunta sobre la privacidad en ${site}:`,
  contactEmail: "Correo electrónico:",
  contactPostal: "Correo postal:",
  contactRights: "Solicitudes de privacidad:",
};
