/**
 * The UI the loader drives. In `assent.js`, with no Lit (see ./dom.ts): the banner and its
 * error state, everything a first visit needs. From `v/<version>/assent-preferences.js` on the
 * Worker (immutable, so cached for good), loaded when needed: the preference center, the embed placeholder and the floating button
 * (the last two are created here at once, in place, and upgraded by the chunk). None of these
 * functions throws: a failure is logged and, where the visitor asked for something, shown.
 */
import type { Controller } from "../core/controller";
import type { PlaceholderFactory } from "../core/script-gate";
import type * as PreferencesChunk from "./preferences-entry";
import { AssentBanner, type BannerMode } from "./banner";
import { report } from "./dom";
import { bannerStrings } from "./i18n/index";

declare const __ASSENT_VERSION__: string;
const VERSION = typeof __ASSENT_VERSION__ === "string" ? __ASSENT_VERSION__ : "dev";

let banner: AssentBanner | undefined;
let fab: HTMLElement | undefined;

/** Runs `fn` once `document.body` exists (a script in <head> without defer). */
function withBody(fn: () => void): void {
  const run = () => {
    try {
      fn();
    } catch (err) {
      report("could not show the privacy UI", err);
    }
  };
  if (document.body) run();
  else document.addEventListener("DOMContentLoaded", run, { once: true });
}

/** The one banner, first in the body (early in the tab order, R8.2). */
function theBanner(): AssentBanner {
  AssentBanner.define("assent-banner");
  banner ??= document.createElement("assent-banner");
  banner.onClosed = () => {
    if (fab) fab.hidden = false;
  };
  if (!banner.isConnected) document.body.prepend(banner);
  if (fab) fab.hidden = true;
  return banner;
}

const opener = (controller: Controller) => (el: HTMLElement) => void openPreferences(controller, el);

/** Shows the first layer in `mode`, or updates the one shown. */
export function mountBanner(controller: Controller, mode: BannerMode): void {
  withBody(() => {
    theBanner().show(controller, mode, opener(controller));
    // The UI is here now: blocked embeds get their placeholders while the visitor decides.
    void controller.refreshGates();
  });
}

/**
 * Bootstrap failed (the Worker is down or unreachable): a small, dismissible error line with
 * Retry. It blocks nothing, and the page keeps working.
 */
export function showBannerError(controller: Controller, retry: () => void): void {
  withBody(() => theBanner().show(controller, undefined, opener(controller), retry));
}

/**
 * The floating "Privacy choices" button: at most one, hidden while the banner is shown. It is
 * placed now and rendered by the chunk, fetched when the page is idle (and then warm for the
 * click).
 */
export function mountFloatingButton(controller: Controller): void {
  withBody(() => {
    const el = (fab ??= document.createElement("assent-floating-button"));
    el.hidden = Boolean(banner?.isConnected);
    if (!el.isConnected) document.body.append(el);
    const render = () =>
      loadChunk(controller).then(
        (ui) => ui.setupFloatingButton(el, controller, opener(controller), bannerStrings(controller)),
        (err: unknown) => report("could not show the privacy choices button", err),
      );
    if ("requestIdleCallback" in window) requestIdleCallback(render, { timeout: 3000 });
    else setTimeout(render, 500);
  });
}

let chunk: Promise<typeof PreferencesChunk> | undefined;
let chunkFailures = 0;

/**
 * The lazily loaded chunk, imported once. A failed import is remembered by the browser's module
 * map, so a retry after a failure asks for a fresh URL.
 */
export function loadChunk(controller: Controller): Promise<typeof PreferencesChunk> {
  // Always the versioned, immutable copy: once cached, a returning visitor's page (which loads
  // the chunk for the floating button) makes no request for it again.
  // The Worker that serves the API serves the assets too (one deploy).
  const url = new URL(`v/${VERSION}/assent-preferences.js`, controller.endpoint);
  if (chunkFailures) url.searchParams.set("retry", String(chunkFailures));
  chunk ??= (import(url.href) as Promise<typeof PreferencesChunk>).catch((err: unknown) => {
    chunk = undefined;
    chunkFailures++;
    throw err;
  });
  return chunk;
}

/**
 * Opens the preference center: bootstrap (a returning visitor may not have it yet) and the
 * lazily loaded chunk, in parallel. If either fails, the banner area says so, with Retry.
 */
export async function openPreferences(controller: Controller, opener: Element | null): Promise<void> {
  try {
    const [ui] = await Promise.all([loadChunk(controller), controller.ensureBootstrap()]);
    await ui.showPreferences(controller, opener, bannerStrings(controller));
    banner?.clearError();
  } catch (err) {
    report("could not open the privacy preferences", err);
    showBannerError(controller, () => void openPreferences(controller, opener));
  }
}

/**
 * The placeholder factory script-gate.ts uses for blocked embeds. The element is returned at
 * once, taking the iframe's place (its class, so the page's sizing applies, and its width and
 * height); the chunk upgrades it to `<assent-embed-placeholder>` and fills it.
 */
export function placeholder(controller: Controller): PlaceholderFactory {
  return (frame, categories) => {
    const el = document.createElement("assent-embed-placeholder");
    el.className = frame.className;
    const style = el.style;
    style.setProperty("display", "block");
    style.setProperty("max-width", "100%");
    for (const [attr, prop] of [["width", "width"], ["height", "min-height"]] as const) {
      const value = frame.getAttribute(attr);
      if (value && /^\d+$/.test(value)) style.setProperty(prop, `${value}px`);
    }
    loadChunk(controller).then(
      (ui) => ui.setupPlaceholder(el, controller, frame.getAttribute("data-src") ?? "", categories, opener(controller), bannerStrings(controller)),
      (err: unknown) => {
        report("could not show an embed placeholder", err);
        el.textContent = bannerStrings(controller).loadError;
      },
    );
    return el;
  };
}
