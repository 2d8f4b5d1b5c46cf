/**
 * How the core gets its UI: every piece of it is a lazily loaded ES module under the Worker's
 * versioned, immutable path (`v/<version>/<name>.js`, cached for good), imported only when the
 * page needs it. The core never imports UI code, only its types, so `assent.js` carries no Lit.
 *
 *   banner.js             the first layer: when the visitor must be asked or informed
 *   strings-<lang>.js     the first layer's labels, only when bootstrap (which carries them)
 *                         is not there: its error line, a returning visit's embed placeholders
 *   floating-button.js    the floating button: once the page is idle, never with the banner
 *   preferences.js        the preference center: when the visitor opens it
 *   embed-placeholder.js  placeholders for blocked embeds: when a page has one
 *   decisions.js          making a decision: when the visitor reaches for the banner, or the API asks
 *   sync.js               sending (and retrying) a decision: when one is pending
 *   identity.js           identity across devices: when `identify()` has a request to make
 *
 * A module's own imports (Lit and the code shared between UI modules, in hashed chunks) are
 * imported at the same time as the module, from a list the build writes into the core, so
 * nothing waits for another file to arrive. None of these functions throws: a failure is
 * logged and, where the visitor asked for something, shown.
 */
import type * as BannerModule from "../ui/banner/index";
import type { UiContext } from "../ui/context";
import type { BannerStrings } from "../ui/i18n/index";
import type * as EmbedModule from "../ui/embed-placeholder/index";
import type * as FloatingButtonModule from "../ui/floating-button/index";
import type * as StringsModule from "../../shared/banner-strings/en";
import type * as PreferencesModule from "../ui/preferences/index";
import type { Controller, IdentityModule } from "./controller";
import type * as Decisions from "./decisions";
import type * as SyncModule from "./sync";
import { langOf } from "../../shared/languages";
import { report } from "./report";
import type { PlaceholderFactory } from "./script-gate";

declare const __ASSENT_VERSION__: string;
/**
 * Each module's static imports, transitively, as chunk hashes (`banner` → `["ML43XEQX"]` for
 * `chunk-ML43XEQX.js`): written in by scripts/build-widget.ts.
 */
declare const __ASSENT_DEPS__: Record<string, string[]>;
// Both are set by the build (esbuild `define`); the widget is only ever run built.
/** The widget's version: the core's own, and the path of every module it imports. */
export const VERSION = __ASSENT_VERSION__;
const DEPS = __ASSENT_DEPS__;

const modules = new Map<string, Promise<unknown>>();
let failures = 0;

/**
 * Imports `v/<version>/<file>` from the Worker once, with its chunks in parallel. A failed
 * import is remembered by the browser's module map, so a retry after a failure asks for a
 * fresh URL.
 */
function load<T>(c: Controller, name: string): Promise<T> {
  for (const hash of DEPS[name] ?? []) importOnce(c, `chunk-${hash}.js`).catch(() => undefined);
  return importOnce(c, `${name}.js`) as Promise<T>;
}

function importOnce(c: Controller, file: string): Promise<unknown> {
  let module = modules.get(file);
  if (!module) {
    const url = new URL(`v/${VERSION}/${file}`, c.endpoint);
    if (failures) url.searchParams.set("retry", String(failures));
    module = import(url.href).catch((err: unknown) => {
      modules.delete(file);
      failures++;
      throw err;
    });
    modules.set(file, module);
  }
  return module;
}

/**
 * The first layer's labels: bootstrap's (in the negotiated language), waiting for it when it is
 * on its way; else, when there is none (it failed, or a returning visit never asked), the
 * strings chunk of the page's language.
 */
async function strings(c: Controller): Promise<BannerStrings> {
  const boot = c.bootstrap ?? (await c.bootstrapPromise?.catch(() => null));
  if (boot) return boot.strings;
  return (await load<typeof StringsModule>(c, `strings-${langOf(c.lang)}`)).banner;
}

/** What every UI module is called with; `booted` waits for bootstrap first. */
async function context(c: Controller, booted = false): Promise<UiContext> {
  if (booted) await c.ensureBootstrap();
  return { controller: c, strings: await strings(c), openPreferences: (el) => void openPreferences(c, el), decisions: () => loadDecisions(c) };
}

/** The code that makes decisions (./decisions.ts), for the API, GPC and the banner. */
export function loadDecisions(c: Controller): Promise<typeof Decisions> {
  // A decision is sent right after it is made: its sending code comes at the same time.
  load(c, "sync").catch(() => undefined);
  return load(c, "decisions");
}

/** Sending and retrying a pending decision (./sync.ts), for `controller.loadSync`. */
export const loadSync = (c: Controller) => load<typeof SyncModule>(c, "sync");

/** The identity module (its requests), for `controller.loadIdentity`. */
export const loadIdentity = (c: Controller) => load<IdentityModule>(c, "identity");

/** Runs `fn` once `document.body` exists (a script in <head> without defer). */
function withBody(fn: () => void | Promise<void>): void {
  const run = () => {
    Promise.resolve()
      .then(fn)
      .catch((err: unknown) => report("could not show the privacy UI", err));
  };
  if (document.body) run();
  else document.addEventListener("DOMContentLoaded", run, { once: true });
}

/** Runs `fn` when the browser is idle (or soon), so background work never competes with the page. */
export function whenIdle(fn: () => void, timeout = 5_000): void {
  if ("requestIdleCallback" in window) requestIdleCallback(fn, { timeout });
  else setTimeout(fn, 1_000);
}

let banner: HTMLElement | undefined;
/** True from the moment the banner is asked for until it closed (its module may still be on its way). */
let bannerUp = false;
let fab: HTMLElement | undefined;
let fabRendering = false;

/**
 * Starts fetching what the banner needs: its code first (more to fetch and compile), then
 * bootstrap (its texts and labels), all at once. Calling it again starts nothing new.
 */
export function prefetchBanner(c: Controller): void {
  load(c, "banner").catch(() => undefined);
  c.ensureBootstrap().catch(() => undefined);
}

/** Shows the first layer in `mode` (`undefined`: keeps what is shown), with the error line and Retry when `retry` is given. */
function banner_(c: Controller, mode: BannerModule.BannerMode | undefined, retry?: () => void): void {
  bannerUp = true;
  if (fab) fab.hidden = true;
  withBody(async () => {
    const [ui, ctx] = await Promise.all([load<typeof BannerModule>(c, "banner"), context(c)]).catch((err: unknown) => {
      bannerUp = false;
      throw err;
    });
    const el = ui.showBanner(ctx, mode, retry);
    if (el !== banner) {
      banner = el;
      el.addEventListener("assent-banner-closed", () => {
        bannerUp = false;
        if (fab) renderFab(c);
      });
    }
    // The UI is here now: blocked embeds get their placeholders while the visitor decides.
    if (mode) void c.refreshGates();
  });
}

/** Shows the first layer in `mode`, or updates the one shown. */
export const mountBanner = (c: Controller, mode: BannerModule.BannerMode) => banner_(c, mode);

/**
 * Bootstrap failed (the Worker is down or unreachable): a small, dismissible error line with
 * Retry. It blocks nothing, and the page keeps working.
 */
export const showBannerError = (c: Controller, retry: () => void) => banner_(c, undefined, retry);

/**
 * The floating "Privacy choices" button: at most one, hidden while the banner is shown (its
 * code is not even fetched then). Placed now, rendered by `floating-button.js` once the page is
 * idle, from the versioned path, so a warm cache fetches nothing.
 */
export function mountFloatingButton(c: Controller): void {
  withBody(() => {
    const el = (fab ??= document.createElement("assent-floating-button"));
    el.hidden = bannerUp;
    if (!el.isConnected) document.body.append(el);
    if (!el.hidden) renderFab(c);
  });
}

function renderFab(c: Controller): void {
  fab!.hidden = false;
  if (fabRendering) return;
  fabRendering = true;
  whenIdle(
    () =>
      void load<typeof FloatingButtonModule>(c, "floating-button").then(
        (ui) => ui.setupFloatingButton(fab!, { controller: c, openPreferences: (el) => void openPreferences(c, el) }),
        (err: unknown) => {
          fabRendering = false;
          report("could not show the privacy choices button", err);
        },
      ),
    3_000,
  );
}

/**
 * Opens the preference center: its module and bootstrap (a returning visitor may not have it
 * yet), in parallel. If either fails, the banner area says so, with Retry.
 */
export async function openPreferences(c: Controller, opener: Element | null): Promise<void> {
  try {
    const [ui, ctx] = await Promise.all([load<typeof PreferencesModule>(c, "preferences"), context(c, true)]);
    await ui.showPreferences(ctx, opener);
    if (banner) (await load<typeof BannerModule>(c, "banner")).clearBannerError();
  } catch (err) {
    report("could not open the privacy preferences", err);
    showBannerError(c, () => void openPreferences(c, opener));
  }
}

/**
 * The placeholder factory script-gate.ts uses for blocked embeds. The element is returned at
 * once, taking the iframe's place (its class, so the page's sizing applies, and its width and
 * height, set through the CSSOM, which strict CSP allows); `embed-placeholder.js` upgrades it.
 */
export function placeholder(c: Controller): PlaceholderFactory {
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
    Promise.all([load<typeof EmbedModule>(c, "embed-placeholder"), context(c)]).then(
      ([ui, ctx]) => ui.setupPlaceholder(el, ctx, frame.getAttribute("data-src") ?? "", categories),
      (err: unknown) => {
        report("could not show an embed placeholder", err);
        void strings(c).then((s) => (el.textContent = s.loadError), () => undefined);
      },
    );
    return el;
  };
}
