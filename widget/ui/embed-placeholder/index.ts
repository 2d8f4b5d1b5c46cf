/**
 * `embed-placeholder.js`: upgrades the `<assent-embed-placeholder>` elements the core placed
 * where blocked embeds are (../../core/ui-loader.ts). Its two strings come with it, in every
 * language (it loads only on pages with blocked embeds).
 */
import { type UiContext, define } from "../context";
import { pick } from "../i18n/index";
import { PREFERENCES } from "../i18n/preferences/index";
import { AssentEmbedPlaceholder } from "./embed-placeholder";

/** Renders a placeholder the core created for an embed of `src` that needs `categories`. */
export function setupPlaceholder(el: HTMLElement, context: UiContext, src: string, categories: string[]): void {
  define("assent-embed-placeholder", AssentEmbedPlaceholder);
  if (!(el instanceof AssentEmbedPlaceholder)) return;
  const { load, embed } = pick(PREFERENCES, context.strings.$code);
  el.src = src;
  el.categories = categories;
  el.strings = { load, embed };
  el.context = context;
}
