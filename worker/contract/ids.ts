/**
 * Identifiers and small building blocks shared by every section.
 */
import * as z from "zod";

/** Site ids: lowercase letters, digits and dashes, 1–48 characters. Part of every storage key. */
export const SiteId = z
  .string()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$/, "a site id is 1–48 of a-z, 0-9 and '-'");

/** Category, vendor and list ids. Keys of `choices`, so kept short and plain. */
export const Slug = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,31}$/, "an id is 1–32 of a-z, 0-9, '_' and '-', starting with a letter");

/**
 * A BCP 47 language tag as sent by browsers ("en", "de-CH", "zh-Hant-TW"): one rule everywhere a
 * locale comes in. Well-formed by `Intl.getCanonicalLocales` (which refuses what `Intl`
 * formatters would throw on later, such as "en-US-US") and returned in its canonical spelling
 * ("en-us" → "en-US"), so nothing stored can break a page or a message.
 */
export const Locale = z
  .string()
  .max(35)
  .regex(/^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$/, "a locale is a BCP 47 tag such as en or de-CH")
  .transform((tag, ctx) => {
    try {
      return Intl.getCanonicalLocales(tag)[0]!;
    } catch {
      ctx.addIssue({ code: "custom", message: "a locale is a well-formed BCP 47 tag such as en or de-CH" });
      return z.NEVER;
    }
  });

/** A locale as a site config names it: well-formed and already in its canonical spelling. */
export const ConfigLocale = z
  .string()
  .max(35)
  .refine((tag) => {
    try {
      return /^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$/.test(tag) && Intl.getCanonicalLocales(tag)[0] === tag;
    } catch {
      return false;
    }
  }, "a locale is a BCP 47 tag in its canonical spelling, such as en, de-CH or zh-Hant-TW");

/** The server- or client-made UUID (v4) used for visitor ids and idempotency keys. */
export const Uuid = z.uuid();

/** An exact web origin: scheme, host and optional port, nothing else (R7.4). */
export const Origin = z
  .string()
  .max(253)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === "https:" || url.protocol === "http:") && url.origin === value;
    } catch {
      return false;
    }
  }, "an origin is scheme://host[:port] with no path, e.g. https://www.example.com");
