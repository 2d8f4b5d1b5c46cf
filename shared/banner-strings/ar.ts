/** العربية (right to left). Plural forms follow CLDR: zero, one, two, few, many, other. Sent with bootstrap, and built into
 * `strings-ar.js` for the pages that need the labels without it (./types.ts). */
import type { BannerStrings } from "./types";

export const banner: BannerStrings = {
  $code: "ar",
  $dir: "rtl",
  purposes: "الأغراض",
  policy: "سياسة الخصوصية",
  cookiePolicy: "سياسة ملفات تعريف الارتباط",
  acceptAll: "قبول الكل",
  rejectAll: "رفض الكل",
  customize: "تخصيص",
  doNotSell: "لا تبيعوا معلوماتي الشخصية ولا تشاركوها",
  yourChoices: "خياراتك للخصوصية",
  ok: "حسنًا",
  loadError: "تعذّر تحميل إعدادات الخصوصية.",
  retry: "إعادة المحاولة",
  dismiss: "إغلاق",
};
