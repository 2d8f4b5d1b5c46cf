/** Arabic wording of the rights pages and messages (right to left, Modern Standard Arabic). */
import type { RightsStrings } from "./types";

/** Isolates a value that may run left to right (a site name, an address) inside right-to-left text. */
const isolate = (s: string) => `\u2068${s}\u2069`;

/** "N days" after a preposition, in the form CLDR's plural category asks for (1, 2, 3–10, 11–99, 100…). */
function dayCount(n: number): string {
  switch (new Intl.PluralRules("ar").select(n)) {
    case "one":
      return "يوم واحد";
    case "two":
      return "يومين";
    case "few":
      return `${n} أيام`;
    case "many":
      return `${n} يومًا`;
    default:
      return `${n} يوم`;
  }
}

export const ar: RightsStrings = {
  title: "حقوقك في الخصوصية",
  californiaTitle: `حقوقك في الخصوصية في كاليفورنيا (${isolate("Your California Privacy Rights")})`,
  intro: (site) => `اختر ما تريد أن تطلبه من ${isolate(site)}. لا يطلب كل طلب إلا ما يحتاج إليه، ونخبرك بالموعد الذي سنردّ فيه.`,
  californiaIntro: "إذا كنت تقيم في كاليفورنيا، فهذه الطلبات متاحة لك أيضًا.",
  types: {
    access: { name: "الحصول على نسخة من بياناتك", description: "كل ما هو محفوظ عن عنوان بريدك الإلكتروني: الاشتراكات، والتأكيدات، والصياغة التي وافقت عليها، واختيارات المتصفحات المرتبطة به." },
    deletion: { name: "حذف بياناتك", description: "محو ما هو محفوظ عن عنوان بريدك الإلكتروني. لا تبقى منه إلا بصمة محسوبة بمفتاح سري، حتى لا تُرسَل إليه أي رسالة مرة أخرى." },
    correction: { name: "تصحيح بياناتك", description: "أخبرنا بما هو غير صحيح. يُؤكَّد عنوان البريد الإلكتروني الجديد أولًا، ثم تُنقل اشتراكاتك إليه." },
    opt_out: { name: "لا تبيعوا معلوماتي الشخصية ولا تشاركوها", description: "ارفض بيع معلوماتك الشخصية أو مشاركتها. لا حاجة إلى أي تحقق أو تفاصيل." },
    shine_the_light: { name: `طلب «${isolate("Shine the Light")}»`, description: "مرة واحدة في السنة ومجانًا: ما فئات المعلومات الشخصية التي أُفصح عنها في العام الماضي لأطراف ثالثة لأغراض التسويق المباشر الخاص بها، ولمن." },
    minor_content_removal: { name: "إزالة محتوى نشرته (لمن هم دون 18 عامًا)", description: "إذا كان عمرك أقل من 18 عامًا وتقيم في كاليفورنيا ولديك حساب، فاطلب إزالة المحتوى الذي نشرته." },
    child_data_deletion: { name: "حذف بيانات طفل (للوالدين)", description: "إذا قدّم طفلك الذي يقل عمره عن 13 عامًا معلومات شخصية إلى هذا الموقع، فاطلب حذفها." },
  },
  minorNotice:
    "إذا كان عمرك أقل من 18 عامًا وتقيم في كاليفورنيا ولديك حساب مسجّل، فيمكنك أن تطلب منا إزالة المحتوى أو المعلومات التي نشرتها علنًا. سنتأكد من أنها لم تعد معروضة للعامة، لكن الإزالة قد لا تضمن الإزالة الكاملة أو الشاملة للمحتوى أو المعلومات من أنظمتنا.",
  childDirectedNote: "هذا الموقع موجّه إلى الأطفال ولا يجمع عناوين البريد الإلكتروني؛ ومع ذلك يمكن لأحد الوالدين أو الوصي أن يطلب حذف بيانات طفل.",
  emailLabel: "عنوان بريدك الإلكتروني",
  emailHelpVerify: (days) => `نرسل رابطًا إلى هذا العنوان لتأكيد أن الطلب صادر عنك. يظل الرابط صالحًا لمدة ${dayCount(days)}.`,
  emailHelpAnswer: "نرسل الرد إلى هذا العنوان.",
  optOutEmailLabel: "عنوان البريد الإلكتروني (اختياري: فقط ليتمكن الموقع من العثور على السجلات التي يحتفظ بها تحت هذا العنوان)",
  correctionLabel: "ما غير الصحيح، وماذا ينبغي أن يكون؟",
  newEmailLabel: "عنوان بريدك الإلكتروني الجديد، إن كان هو ما تغيّر",
  contentLocationLabel: "أين يوجد المحتوى؟ (روابط أو وصف)",
  californiaResidentLabel: "أقيم في كاليفورنيا.",
  parentOrGuardianLabel: "أنا أحد والدَي الطفل أو الوصي القانوني عليه.",
  childEmailLabel: "عنوان البريد الإلكتروني الذي استخدمه طفلك هنا (أو عنوانك، إن لم يستخدم أي عنوان)",
  detailsLabel: "أي معلومات أخرى تساعد في العثور على البيانات",
  optional: "اختياري",
  submit: "إرسال الطلب",
  back: "كل الطلبات",
  fixErrors: "يُرجى تصحيح الحقول المميّزة أدناه.",
  errorEmail: `أدخل عنوان بريد إلكتروني مثل ${isolate("name@example.com")}.`,
  errorRequired: "هذا الحقل مطلوب.",
  errorStatement: "حدّد هذا المربع للتأكيد.",
  unavailable: "لا يمكن تقديم هذا الطلب على هذا الموقع.",
  tooLong: "طلبك طويل جدًا. يرجى تقصير النص والمحاولة مرة أخرى.",
  tooMany: "طلبات كثيرة جدًا. يُرجى الانتظار قليلًا ثم المحاولة مرة أخرى.",
  sendFailed: "تعذّر إرسال الرسالة، لذلك لم يُسجَّل أي شيء. يُرجى المحاولة مرة أخرى بعد قليل.",
  checkEmailTitle: "تحقّق من بريدك الوارد",
  checkEmail: (days) => `أرسلنا إليك رابطًا لتأكيد الطلب. لن يحدث شيء حتى تنقر عليه، ويظل صالحًا لمدة ${dayCount(days)}.`,
  optOutDoneTitle: "تم تسجيل انسحابك",
  optOutDone: "لن يبيع الموقع معلوماتك الشخصية ولن يشاركها. ولم يكن عليك إثبات هويتك.",
  optOutBrowser: "لتطبيق ذلك في متصفحك فورًا، اختر أيضًا «لا تبيعوا ولا تشاركوا» في إعدادات الخصوصية الخاصة بالموقع.",
  answerSentTitle: "تم إرسال الرد",
  answerSent: "أرسلنا إليك الرد بالبريد الإلكتروني.",
  receivedTitle: "تم استلام الطلب",
  dueLine: (date) => `ستتلقى ردًا في موعد أقصاه ${date}.`,
  verifyTitle: "أكّد طلبك",
  verifyIntro: (type) => `أكّد أنك طلبت: ${type}.`,
  verifyButton: "نعم، هذا طلبي",
  verifiedTitle: "تم تأكيد الطلب",
  accessReady: (days) => `بياناتك جاهزة. يظل رابط التنزيل صالحًا لمدة ${dayCount(days)}، وقد أرسلناه إليك بالبريد الإلكتروني أيضًا.`,
  downloadButton: "تنزيل بياناتي (JSON)",
  deletionDone: "حُذفت اشتراكاتك والسجلات المرتبطة بعنوانك. لا تبقى إلا بصمة للعنوان محسوبة بمفتاح سري، حتى لا تُرسَل إليه أي رسالة مرة أخرى.",
  propagation: "قد تظل مواقع تشغيل أخرى للخدمة تعرض الحالة السابقة لمدة تصل إلى 60 ثانية تقريبًا.",
  newAddressSent: "أرسلنا رابطًا إلى عنوانك الجديد. ستُنقل اشتراكاتك إليه عندما تنقر عليه.",
  newAddressTitle: "أكّد عنوانك الجديد",
  newAddressIntro: "أكّد أنه يجب نقل اشتراكاتك إلى هذا العنوان.",
  movesTo: (email) => `ستُنقل اشتراكاتك بعد ذلك إلى ${isolate(email)}.`,
  newAddressButton: "نعم، استخدم هذا العنوان",
  newAddressDone: "تم: تستخدم اشتراكاتك الآن هذا العنوان، وأُلغي اشتراك العنوان القديم.",
  ownerNext: "سيتولى فريق الموقع بقية الإجراءات ويرد عليك بالبريد الإلكتروني.",
  goneTitle: "لم يعد هذا الرابط يعمل",
  goneBody: "سبق استخدامه أو انتهت صلاحيته. يمكنك تقديم الطلب مرة أخرى.",
  invalidLink: "هذا الرابط غير صالح.",
  verifySubject: (site) => `أكّد طلب الخصوصية الذي قدّمته إلى ${isolate(site)}`,
  verifyBody: (type, received) => `تلقّينا طلبك «${type}» في ${received}.`,
  verifyAction: "أكّد أن الطلب طلبك",
  verifyIgnore: (days) => `إن لم تطلب ذلك، فتجاهل هذه الرسالة: لن يحدث شيء، وسيتوقف الرابط عن العمل بعد ${dayCount(days)}.`,
  accessSubject: (site) => `بياناتك لدى ${isolate(site)}`,
  accessBody: (days) => `بياناتك جاهزة للتنزيل (يظل الرابط صالحًا لمدة ${dayCount(days)}):`,
  newAddressSubject: (site) => `أكّد عنوان بريدك الإلكتروني الجديد لدى ${isolate(site)}`,
  newAddressBody: "طلبت نقل اشتراكاتك إلى هذا العنوان. أكّد ذلك من هنا:",
  stlSubject: (site) => `ردّ ${isolate(site)} على طلبك بموجب قانون «${isolate("Shine the Light")}» في كاليفورنيا`,
  stlIntro: (site, year) => `في عام ${year}، أفصح ${isolate(site)} عن فئات المعلومات الشخصية التالية لأطراف ثالثة لأغراض التسويق المباشر الخاص بها:`,
  stlNone: (site, year) => `في عام ${year}، لم يُفصح ${isolate(site)} عن أي معلومات شخصية لأطراف ثالثة لأغراض التسويق المباشر الخاص بها.`,
  stlExemption: (site) =>
    `يتيح لك ${isolate(site)} أن تختار مجانًا ما إذا كان يُفصَح عن معلوماتك الشخصية لأطراف ثالثة لأغراض التسويق المباشر الخاص بها: يمكنك الانسحاب في أي وقت من إعدادات الخصوصية الخاصة بالموقع (${isolate("California Civil Code 1798.83(c)(2)")}).`,
  stlRepeat: "لقد تلقيت بالفعل رد هذا العام، إذ ينص القانون على رد مجاني واحد في كل سنة تقويمية.",
  stlRecipient: (name, address, information) => `${isolate(name)}، ${isolate(address)}: ${isolate(information)}`,
  extendSubject: (site) => `يحتاج ${isolate(site)} إلى مزيد من الوقت للرد على طلب الخصوصية الذي قدّمته`,
  extendBody: (reason, date) => `نحتاج إلى مزيد من الوقت للرد على طلبك، للسبب التالي: ${isolate(reason)}. ستتلقى ردنا في موعد أقصاه ${date}.`,
  deniedSubject: (site) => `طلب الخصوصية الذي قدّمته إلى ${isolate(site)}`,
  deniedBody: (basis) => `لا يمكننا تلبية طلبك، للسبب التالي: ${isolate(basis)}.`,
  completedSubject: (site) => `اكتمل طلب الخصوصية الذي قدّمته إلى ${isolate(site)}`,
  completedBody: "اكتمل طلبك.",
  signOff: "أُرسلت هذه الرسالة بسبب طلب خصوصية قُدِّم باستخدام هذا العنوان.",
};
