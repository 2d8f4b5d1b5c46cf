/**
 * `assent-preferences.js`: what the page needs only on demand, loaded by ./index.ts the first
 * time it is needed: the preference center, the embed placeholder, the floating button, their
 * strings and Lit; and the requests of identity across devices (../identity.ts).
 * The banner's strings come in from the main bundle, so every layer uses the same labels.
 */
import type { Controller } from "../core/controller";
import type { OpenPreferences } from "./banner";
import { AssentEmbedPlaceholder } from "./embed-placeholder";
import { AssentFloatingButton } from "./floating-button";
import type { BannerStrings, UiStrings } from "./i18n/index";
import { pick } from "./i18n/index";
import { CHALLENGE } from "./i18n/challenge";
import { PREFERENCES } from "./i18n/preferences";
import { AssentPreferences } from "./preferences/preferences";

export { identify, pull } from "../core/identity";

const define = (tag: string, element: CustomElementConstructor) => customElements.get(tag) || customElements.define(tag, element);

const strings = (banner: BannerStrings): UiStrings => ({
  ...banner,
  ...pick(PREFERENCES, banner.$code),
  ...pick(CHALLENGE, banner.$code),
});

/** Shows the one `<assent-preferences>` (created in the body on first use). */
export async function showPreferences(controller: Controller, opener: Element | null, banner: BannerStrings): Promise<void> {
  define("assent-preferences", AssentPreferences);
  let el = document.querySelector("assent-preferences");
  if (!el) {
    el = document.createElement("assent-preferences");
    document.body.append(el);
  }
  el.controller = controller;
  el.strings = strings(banner);
  await el.show(opener);
}

/** Renders a placeholder the main bundle created for an embed of `src` that needs `categories`. */
export function setupPlaceholder(
  el: HTMLElement,
  controller: Controller,
  src: string,
  categories: string[],
  openPreferences: OpenPreferences,
  banner: BannerStrings,
): void {
  define("assent-embed-placeholder", AssentEmbedPlaceholder);
  if (!(el instanceof AssentEmbedPlaceholder)) return;
  el.openPreferences = openPreferences;
  el.src = src;
  el.categories = categories;
  el.strings = strings(banner);
  el.controller = controller;
}

/** Renders the floating button the main bundle created. */
export function setupFloatingButton(el: HTMLElement, controller: Controller, openPreferences: OpenPreferences, banner: BannerStrings): void {
  define("assent-floating-button", AssentFloatingButton);
  if (!(el instanceof AssentFloatingButton)) return;
  el.openPreferences = openPreferences;
  el.strings = banner;
  el.controller = controller;
}
