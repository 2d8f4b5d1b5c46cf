/**
 * Assent: TypeScript declarations for site developers.
 *
 * Copy this file into your project (it is served beside the script as `/assent.d.ts`) or
 * reference it with `/// <reference path="assent.d.ts" />`. It imports nothing and declares the
 * widget's public surface: `window.assent`, its state and the two DOM events.
 *
 * (In this repository this is widget/public-api.ts, the source the widget itself is typed
 * with: core/types.ts re-exports it, and `npm run build` generates /assent.d.ts from it
 * (scripts/build-widget.ts), so the declarations cannot drift from the code.)
 *
 * @example
 * await new Promise((resolve) => (window.assent ? resolve(undefined) : document.addEventListener("assent-ready", resolve, { once: true })));
 * if (window.assent?.get().categories.usage) startAnalytics();
 * document.addEventListener("assent-change", (e) => {
 *   if (e.detail.changed.includes("usage") && !e.detail.state.categories.usage) stopAnalytics();
 * });
 */

/** How the visitor's location is treated: asked first (EU/EEA/UK/CH), opt-out (US states), or notice only. */
export type AssentRegime = "opt-in" | "opt-out" | "notice";

/**
 * Where a decision came from. `load` and `sync` are the widget's own changes (page load, Worker
 * confirmation, another tab, the person's choice from another device via `identify`).
 */
export type AssentSurface = "banner" | "preferences" | "embed" | "gpc" | "api" | "load" | "sync";

/** The consent state as the page sees it: a copy, safe to keep or change. */
export interface AssentState {
  siteId: string;
  /** True once the visitor decided (or acknowledged a notice) and the decision still counts. */
  decided: boolean;
  /** Every category of the site, true when it is allowed now (GPC already applied). */
  categories: Record<string, boolean>;
  /** Global Privacy Control was seen (browser signal or the `Sec-GPC` header). */
  gpc: boolean;
  regime: AssentRegime | null;
  /** The proof of the latest decision, once the Worker recorded it. */
  receiptId: string | null;
  /** True while a decision waits to be recorded by the Worker. */
  pendingSync: boolean;
  /** ISO 8601 times of the decision and of when the visitor is asked again. */
  updatedAt: string | null;
  expiresAt: string | null;
}

/** The `assent-change` event's detail: the new state and which categories changed. */
export interface AssentChangeDetail {
  state: AssentState;
  changed: string[];
  surface: AssentSurface;
}

/** The events `assent.on()` and the DOM (`document`) carry. */
export interface AssentEventMap {
  "assent-ready": AssentState;
  "assent-change": AssentChangeDetail;
}

/** `window.assent`, defined by assent.js. */
export interface AssentApi {
  /** The widget's version, e.g. "0.1.0". */
  readonly version: string;
  /** A copy of the current state. */
  get(): AssentState;
  /** Opens the preference center; resolves when it is shown. */
  open(): Promise<void>;
  /** Grants every category (as the visitor's own action, e.g. from your own button). */
  acceptAll(): Promise<void>;
  /** Refuses every optional category. */
  rejectAll(): Promise<void>;
  /** Listens to `assent-ready` / `assent-change`; returns a function that stops listening. */
  on<K extends keyof AssentEventMap>(event: K, fn: (detail: AssentEventMap[K]) => void): () => void;
  /**
   * Identity across devices: tells Assent this browser belongs to a person of your site, with an
   * identity your backend signed for them (`id1.<base64url(subject)>.<exp>.<signature>`, see the
   * docs/identity.md). Their choice then follows them to every device: the newer of this browser's choice
   * and the one stored for them wins, and `assent-change` fires with surface "sync" when it
   * changes here. A browser that already holds this person's record makes no request.
   *
   * `identify(null)` (call it on logout): removes the person's record from this browser, so the
   * next person using it is asked again; their record stays stored for their other devices.
   *
   * Never rejects: a malformed identity is ignored with a console warning, and a refused or
   * failed request leaves the current state as it is.
   */
  identify(signed: string | null): Promise<void>;
}

declare global {
  interface Window {
    /** Present once assent.js has run (read-only: it cannot be replaced). */
    assent?: AssentApi;
  }
  interface GlobalEventHandlersEventMap {
    /** Fired on `document` once the state is known (from the local record or after the banner). */
    "assent-ready": CustomEvent<AssentState>;
    /** Fired on `document` after every change of the effective state. */
    "assent-change": CustomEvent<AssentChangeDetail>;
  }
}
