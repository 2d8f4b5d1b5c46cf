/**
 * What the core hands the UI: every lazily loaded UI module (banner, floating button, embed
 * placeholder, preference center) is called with a `UiContext`, and types only flow back to
 * the core (it never imports UI code, so Lit stays out of `assent.js`).
 */
import type { Controller } from "../core/controller";
import type * as Decisions from "../core/decisions";
import type { BannerStrings } from "./i18n/index";

/** Opens the preference center; `opener` gets focus back when it closes. */
export type OpenPreferences = (opener: HTMLElement) => void;

/** The controller, the banner strings in the visitor's language, and the way to the preference center. */
export interface UiContext {
  controller: Controller;
  strings: BannerStrings;
  openPreferences: OpenPreferences;
  /** The code that makes decisions (`decisions.js`), fetched on first use: the banner asks for it when the visitor reaches for it. */
  decisions: () => Promise<typeof Decisions>;
}

/** Defines a custom element once (a second copy of the script, or a retried chunk, is fine). */
export function define(tag: string, element: CustomElementConstructor): void {
  if (!customElements.get(tag)) customElements.define(tag, element);
}

/** Logs a failure in our own code; the host page never sees an exception from the widget. */
export function report(what: string, err: unknown): void {
  console.warn(`assent: ${what}`, err);
}
