/**
 * The entry point: `assent.js`, a classic script a site adds with one tag.
 *
 *   <script src="https://consent.example.com/assent.js" crossorigin="anonymous" data-site="acme" defer></script>
 *
 * Attributes: `data-site` (required), `data-endpoint` (the Worker's base URL; default: where
 * the script came from), `data-lang` (default: `<html lang>`, then the browser's language),
 * `data-identity` (a signed identity of the logged-in person, applied at load as
 * `assent.identify()` would). `crossorigin="anonymous"` lets the modules and API requests that
 * follow reuse the script's connection (they are all fetched without cookies; docs/embed.md).
 *
 * Order of work: the local record is read; without one that counts (and nobody to identify),
 * bootstrap and the banner's code are asked for at once. Then, still before anything of the
 * page can run, Consent Mode defaults (R3.1) and, with a valid record, its choice, applied with
 * no request; otherwise the banner once bootstrap is in (for an identified person, only once it
 * is known they decided on no other device). A second copy of the tag does nothing.
 * Nothing here may throw into the host page.
 *
 * Where things are (see docs/layout.md):
 * - `core/`: headless, what every page view needs, bundled here into `assent.js`: the
 *   controller (a small orchestrator), the local record, Consent Mode, gating, events and the
 *   API client; plus the modules only a decision, a retry or an identification needs
 *   (`decisions.ts`, `sync.ts`, `identity.ts`), loaded by `core/ui-loader.ts` when they are.
 * - `ui/`: every piece of UI, a Lit element in a module of its own under `v/<version>/`,
 *   imported by `core/ui-loader.ts` only when the page shows it (banner, floating button,
 *   embed placeholder, preference center with its sections), with its strings per language.
 * - `public-api.ts`: the public types, served as `/assent.d.ts`.
 */
import { Controller } from "./core/controller";
import { report } from "./core/report";
import type { AssentApi, AssentEventMap } from "./core/types";
import {
  VERSION,
  loadDecisions,
  loadIdentity,
  loadSync,
  mountBanner,
  mountFloatingButton,
  openPreferences,
  placeholder,
  prefetchBanner,
  showBannerError,
  whenIdle,
} from "./core/ui-loader";

/** Finds our own script tag (currentScript is null when run from a module or a later tick). */
function ownScript(): HTMLScriptElement | null {
  const current = document.currentScript;
  if (current instanceof HTMLScriptElement && current.dataset.site) return current;
  return document.querySelector<HTMLScriptElement>("script[data-site][src*='assent']");
}

function start(): void {
  const script = ownScript();
  const siteId = script?.dataset.site;
  if (!script || !siteId) {
    console.warn("assent: add data-site to the assent.js script tag");
    return;
  }
  const src = new URL(script.src, location.href);
  const endpoint = new URL(script.dataset.endpoint ?? "/", src).href;
  const lang = script.dataset.lang || document.documentElement.lang || navigator.language || null;
  const controller = new Controller({ siteId, endpoint, lang, widgetVersion: VERSION });
  controller.setPlaceholder(placeholder(controller));
  controller.loadIdentity = () => loadIdentity(controller);
  controller.loadDecisions = () => loadDecisions(controller);
  controller.loadSync = () => loadSync(controller);
  const identity = script.dataset.identity;
  // A first visit (no record that counts, nobody to identify) needs bootstrap and the banner's
  // code: they are asked for before anything else here is set up, so they are on their way
  // while the rest runs. Consent Mode's defaults still come before anything of the page's can
  // run (R3.1): this script returns first.
  if (!identity && !controller.recordValid()) prefetchBanner(controller);

  let ready = false;
  const readyWaiters: (() => void)[] = [];
  const markReady = () => {
    if (ready) return;
    ready = true;
    controller.emit("assent-ready", controller.state());
    for (const fn of readyWaiters.splice(0)) fn();
  };
  const whenReady = () => new Promise<void>((resolve) => (ready ? resolve() : readyWaiters.push(resolve)));

  const showBanner = async () => {
    // Both on their way at once (on a first visit they already are: see the start of start()).
    prefetchBanner(controller);
    const settled = controller.settleWithoutRecord();
    try {
      const mode = await settled;
      mountBanner(controller, mode);
    } catch (err) {
      report("could not load the consent settings", err);
      showBannerError(controller, () => void showBanner());
    }
  };
  controller.onPolicyChanged = () => void showBanner();
  /** After identify(): the banner, if the visitor now has no choice that counts. */
  const ask = () => (controller.needsBanner() ? showBanner() : undefined);

  const api: AssentApi = {
    version: VERSION,
    get: () => controller.state(),
    open: async () => {
      await openPreferences(controller, document.activeElement);
    },
    acceptAll: async () => {
      const [decisions] = await Promise.all([loadDecisions(controller), controller.ensureBootstrap()]);
      decisions.acceptAll(controller, "api");
    },
    rejectAll: async () => {
      const [decisions] = await Promise.all([loadDecisions(controller), controller.ensureBootstrap()]);
      decisions.rejectAll(controller, "api");
    },
    identify: (signed) => controller.identify(signed).then(ask),
    on<K extends keyof AssentEventMap>(event: K, fn: (detail: AssentEventMap[K]) => void) {
      const handler = (e: Event) => {
        try {
          fn((e as CustomEvent<AssentEventMap[K]>).detail);
        } catch (err) {
          report("listener failed", err);
        }
      };
      document.addEventListener(event, handler);
      return () => document.removeEventListener(event, handler);
    },
  };
  // Neither writable nor configurable (defineProperty's defaults): the page cannot swap it.
  Object.defineProperty(window, "assent", { value: Object.freeze(api), enumerable: true });

  // Any element with data-assent="open-preferences" opens the preference center (R1.10).
  document.addEventListener("click", (event) => {
    const opener = (event.target as Element | null)?.closest?.("[data-assent='open-preferences']");
    if (!opener) return;
    event.preventDefault();
    void openPreferences(controller, opener);
  });
  window.addEventListener("storage", (event) => {
    if (event.key === `assent:v1:${siteId}`) controller.adoptFromOtherTab();
  });
  window.addEventListener("online", () => void controller.sync());

  if (controller.applyLocal()) {
    // A valid record: applied with no request. The fingerprint is re-checked in the
    // background at most every revalidateMinutes, and GPC over an old grant is recorded.
    markReady();
    if (identity) void api.identify(identity);
    /** GPC (the browser's, or the Sec-GPC header bootstrap saw) over a granted sale/sharing category. */
    const gpcOverGrant = () => controller.gpc && controller.recordValid() && controller.record!.saleOrSharing.some((id) => controller.record!.categories[id]);
    if (controller.revalidationDue() || gpcOverGrant())
      whenIdle(() => {
        controller
          .revalidate()
          .then(async (changed) => {
            if (changed) void showBanner();
            // Only then is the code that records a decision fetched.
            else if (gpcOverGrant()) (await loadDecisions(controller)).honorGpc(controller);
          })
          .catch((err: unknown) => report("background check failed", err));
      });
  } else {
    // No choice here yet: the person may have made one on another device.
    void (identity ? api.identify(identity) : showBanner()).finally(markReady);
  }
  // The floating "privacy choices" button, when the site wants one: known from the record on
  // a returning visit (no request), from bootstrap on a first one.
  void whenReady().then(() => {
    if (controller.bootstrap?.widget.floatingButton ?? controller.record?.floatingButton) mountFloatingButton(controller);
  });
}

// Including the script twice does nothing extra.
if (!("assent" in window)) {
  try {
    start();
  } catch (err) {
    report("failed to start", err);
  }
}
