/** العربية (right to left). Plural forms follow CLDR: zero, one, two, few, many, other. */
import type { PreferencesStrings } from "../types";

type Forms = Record<"zero" | "one" | "two" | "few" | "many" | "other", (n: string) => string>;
const plural = (forms: Forms) => (n: number) =>
  forms[new Intl.PluralRules("ar").select(n) as keyof Forms](new Intl.NumberFormat("ar").format(n));

const vendors = /* @__PURE__ */ plural({
  zero: () => "لا مزوّدين",
  one: () => "مزوّد واحد",
  two: () => "مزوّدان",
  few: (n) => `${n} مزوّدين`,
  many: (n) => `${n} مزوّدًا`,
  other: (n) => `${n} مزوّد`,
});
const items = /* @__PURE__ */ plural({
  zero: () => "لا عناصر تخزين",
  one: () => "عنصر تخزين واحد",
  two: () => "عنصرا تخزين",
  few: (n) => `${n} عناصر تخزين`,
  many: (n) => `${n} عنصر تخزين`,
  other: (n) => `${n} عنصر تخزين`,
});

/** Isolates a left-to-right value (a host name) inside right-to-left text. */
const isolate = (s: string) => `\u2068${s}\u2069`;

export const preferences: PreferencesStrings = {
  load: "تحميل",
  embed: (host, purposes) => `يحتاج هذا المحتوى من ${isolate(host)} إلى موافقتك على: ${purposes}.`,
  title: "تفضيلات الخصوصية",
  intro: "اختر الأغراض التي تسمح بها. التخزين الضروري تمامًا مفعّل دائمًا. يمكنك تغيير اختياراتك في أي وقت.",
  close: "إغلاق",
  alwaysOn: "مفعّل دائمًا: يحتاجه الموقع ليعمل.",
  details: (v, s) => `${vendors(v)}، ${items(s)}`,
  vendors: "المزوّدون",
  storage: "ملفات تعريف الارتباط والتخزين",
  thirdParty: "طرف ثالث",
  firstParty: "الموقع نفسه",
  retention: (d) => `يحتفظ بالبيانات لمدة ${d}`,
  session: "الجلسة",
  storageTypes: { cookie: "ملف تعريف ارتباط", localStorage: "التخزين المحلي", sessionStorage: "تخزين الجلسة", indexedDB: "IndexedDB" },
  save: "حفظ الاختيارات",
  saved: "تم حفظ التفضيلات.",
  receipt: "الإيصال",
  notRecorded: "لم يُسجَّل بعد",
  yourData: "بياناتك",
  rightsLink: "حقوقك في الخصوصية",
  californiaRightsLink: "حقوقك في الخصوصية في كاليفورنيا",
  download: "تنزيل بياناتي",
  deleteData: "حذف بياناتي",
  deleteConfirm: "هل تريد حذف سجل موافقتك وسجله السابق من خادمنا؟ لا يمكن التراجع عن ذلك، وسنسألك عن اختياراتك مرة أخرى.",
  deleteYes: "نعم، احذف",
  cancel: "إلغاء",
  deleted: "تم حذف بياناتك.",
  failed: "لم تنجح العملية. يُرجى المحاولة مرة أخرى.",
  emailHeading: "البريد الإلكتروني",
  emailIntro: "منفصل عن الخيارات أعلاه: اختر قائمة وأكّد من بريدك الوارد. تحتوي كل رسالة على رابط لإلغاء الاشتراك.",
  emailAddress: "عنوان البريد الإلكتروني",
  signUp: "اشترك",
  listStatus: { none: "غير مشترك", pending: "تحقق من بريدك الوارد للتأكيد", confirmed: "مشترك", unsubscribed: "أُلغي الاشتراك" },
  checkInbox: (email) => `أرسلنا رابط تأكيد إلى ${email}.`,
  chooseList: "اختر قائمة واحدة على الأقل.",
  invalidEmail: "أدخل عنوان بريد إلكتروني صالحًا.",
};
