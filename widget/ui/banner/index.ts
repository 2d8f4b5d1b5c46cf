/**
 * `banner.js`: the first layer, imported by the core (../../core/ui-loader.ts) when the visitor
 * must be asked or informed, or to say that the settings could not be loaded.
 */
import { type UiContext, define } from "../context";
import { AssentBanner, type BannerMode } from "./banner";

export type { BannerMode } from "./banner";

let banner: AssentBanner | undefined;

/**
 * Shows the one banner, first in the body (early in the tab order, R8.2): the decision content
 * for `mode` (`undefined` keeps what is shown) and, with `retry`, the error line. Returns it.
 */
export function showBanner(context: UiContext, mode: BannerMode | undefined, retry?: () => void): AssentBanner {
  define("assent-banner", AssentBanner);
  banner ??= document.createElement("assent-banner");
  banner.show(context, mode, retry);
  if (!banner.isConnected) document.body.prepend(banner);
  return banner;
}

/** What failed has worked since: the error line goes (a banner with nothing else closes). */
export function clearBannerError(): void {
  banner?.clearError();
}
