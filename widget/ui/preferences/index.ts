/**
 * `preferences.js`: the preference center, imported only when the visitor opens it (the
 * banner's "Customize", the floating button, a `data-assent="open-preferences"` element,
 * `assent.open()`), with its strings for every language, the email signup and Turnstile.
 */
import { type UiContext, define } from "../context";
import { pick } from "../i18n/index";
import { CHALLENGE } from "../i18n/challenge";
import { PREFERENCES } from "../i18n/preferences/index";
import { AssentEmailSignup } from "./email-signup";
import { AssentPreferences } from "./preferences";
import { AssentYourData } from "./your-data";

/** Shows the one `<assent-preferences>` (created in the body on first use). */
export async function showPreferences(context: UiContext, opener: Element | null): Promise<void> {
  define("assent-email-signup", AssentEmailSignup);
  define("assent-your-data", AssentYourData);
  define("assent-preferences", AssentPreferences);
  let el = document.querySelector("assent-preferences");
  if (!el) {
    el = document.createElement("assent-preferences");
    document.body.append(el);
  }
  const code = context.strings.$code;
  el.controller = context.controller;
  // The banner's labels (the same, R8.10) and the preference center's own.
  el.strings = { ...context.strings, ...pick(PREFERENCES, code), ...pick(CHALLENGE, code) };
  await el.show(opener);
}
