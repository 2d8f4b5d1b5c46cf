/**
 * `<assent-banner>`: the first layer. A non-modal region fixed at the bottom of the viewport,
 * first in the body so it comes early in the tab order (R8.2); it never takes focus on its own,
 * never traps it, and never closes by itself (R8.14).
 *
 * - `ask` (opt-in regimes): the site's title and description, the purpose titles, the policy
 *   links and "Accept all", "Reject all", "Customize": three buttons of one element, class and
 *   style, so none outweighs another (R1.3, R1.6). With GPC, the "honored" status line.
 * - `notice` (opt-out and notice regimes): "Do Not Sell or Share My Personal Information" (one
 *   click, R2.5), "Your Privacy Choices" and "OK" (remembers the notice was seen).
 * - `gpc-honored`: GPC was recorded already; says so (R2.4), with "OK" and "Your Privacy Choices".
 * - An error line (`role="status"`: polite, it never interrupts, R8.9) with Retry, on its own or
 *   above a decision: bootstrap or the preference center could not be loaded. The page keeps
 *   working.
 *
 * There is no × and Escape does nothing: closing without a choice grants nothing (R1.7). The
 * banner closes at once on a decision (the controller records it locally first), and when a
 * decision is made elsewhere (the API, the preference center, another tab).
 *
 * Lit, like every piece of the UI: it shares the one copy of Lit (a chunk of its own) with the
 * floating button, the embed placeholder and the preference center. The core imports it
 * (`banner.js`) in parallel with bootstrap and the strings of the visitor's language.
 *
 * While it is shown, `scroll-padding-bottom` on `<html>` and a spacer at the end of the body
 * equal its height, so no focused element of the page ends up hidden behind it (R8.5); both are
 * undone on close. Its content scrolls inside a capped height (R8.7).
 *
 * @csspart banner - The labelled region; it scrolls when its content is taller than the cap.
 * @csspart title - The site's banner title.
 * @csspart description - The site's banner description.
 * @csspart purposes - The list of purpose titles.
 * @csspart purpose - One purpose title.
 * @csspart status - The GPC "honored" line and the error line.
 * @csspart error - The error line.
 * @csspart policy-link - The privacy policy link.
 * @csspart cookie-policy-link - The cookie policy link, when the site has one.
 * @csspart actions - The buttons' container.
 * @csspart button - Every button (all share one style).
 * @csspart accept - "Accept all".
 * @csspart reject - "Reject all".
 * @csspart customize - "Customize".
 * @csspart do-not-sell - "Do Not Sell or Share My Personal Information".
 * @csspart choices - "Your Privacy Choices".
 * @csspart ok - "OK".
 * @csspart retry - "Retry" (error line).
 * @csspart dismiss - "Dismiss" (error line).
 *
 * @cssproperty --assent-accent - Button colour (see ../theme.ts for all `--assent-*` properties).
 * @cssproperty --assent-on-accent - Button text colour.
 * @cssproperty --assent-bg - Background.
 * @cssproperty --assent-fg - Text and focus ring.
 * @cssproperty --assent-muted - Secondary text.
 * @cssproperty --assent-border - Borders.
 * @cssproperty --assent-radius - Corner radius.
 * @cssproperty --assent-font - Font family.
 * @cssproperty --assent-z - z-index.
 *
 * @fires assent-banner-closed - {BannerClosedEvent} After the banner left the page (the floating button shows again).
 *
 * @property context - The controller, the strings and the way to the preference center (from the core).
 * @property mode - What the first layer shows; null while only the error line is.
 * @property retry - Set while the error line is shown: what Retry does.
 */
import { LitElement, html, nothing } from "lit";
import type * as DecisionsModule from "../../core/decisions";
import type { UiContext } from "../context";
import { report } from "../context";
import { PRIVACY_CHOICES, pick } from "../i18n/index";

import { applyTheme, themeStyles } from "../theme";
import { bannerStyles } from "./banner.styles";

type Decisions = typeof DecisionsModule;

/** What the first layer shows (from `controller.settleWithoutRecord()`). */
export type BannerMode = "ask" | "notice" | "gpc-honored";

/** Fired on the banner once it has left the page. */
export class BannerClosedEvent extends Event {
  constructor() {
    super("assent-banner-closed");
  }
}

export class AssentBanner extends LitElement {
  static override properties = {
    context: { attribute: false },
    mode: { attribute: false },
    retry: { attribute: false },
  };

  static override styles = [themeStyles, bannerStyles];

  declare context: UiContext | undefined;
  declare mode: BannerMode | null;
  declare retry: (() => void) | undefined;

  /** `record.updatedAt` when the decision content was shown: a newer decision closes the banner. */
  private seen: string | undefined;
  private unsubscribe: (() => void) | undefined;
  private observer: ResizeObserver | undefined;
  private readonly spacer = document.createElement("assent-spacer");
  private padding = "";
  /** Whether focus was inside before this update (it is put back on the region if its control went). */
  private hadFocus = false;

  constructor() {
    super();
    this.mode = null;
  }

  /**
   * Shows the decision content for `mode` (`undefined`: keeps what is shown) and, when `retry`
   * is given, the error line above it.
   */
  show(context: UiContext, mode: BannerMode | undefined, retry?: () => void): void {
    if (mode) {
      this.mode = mode;
      this.seen = context.controller.record?.updatedAt;
    }
    this.context = context;
    this.retry = retry;
    this.unsubscribe?.();
    this.unsubscribe = context.controller.subscribe(() => this.changed());
  }

  /** Drops the error line (what failed has worked since); a banner with nothing else closes. */
  clearError(): void {
    if (!this.retry) return;
    if (this.mode) this.retry = undefined;
    else this.close();
  }

  /** Closes the banner; grants nothing. */
  close(): void {
    this.remove();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.padding = document.documentElement.style.scrollPaddingBottom;
    this.spacer.setAttribute("aria-hidden", "true");
    this.spacer.style.setProperty("display", "block");
    document.body.append(this.spacer);
    if (typeof ResizeObserver == "function") (this.observer = new ResizeObserver(() => this.reserve())).observe(this);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.observer?.disconnect();
    this.spacer.remove();
    document.documentElement.style.scrollPaddingBottom = this.padding;
    this.unsubscribe?.();
    this.mode = null;
    this.dispatchEvent(new BannerClosedEvent());
  }

  override willUpdate(): void {
    this.hadFocus = Boolean(this.shadowRoot?.activeElement);
    const context = this.context;
    if (!context) return;
    const boot = context.controller.bootstrap;
    applyTheme(this, context.controller);
    // The site texts' language when known, else the strings' own (R8.10).
    this.lang = boot?.locale ?? context.strings.$code;
    this.dir = boot?.dir ?? context.strings.$dir;
  }

  override render() {
    const context = this.context;
    if (!context) return nothing;
    const { controller, strings: s } = context;
    const boot = controller.bootstrap;
    const mode = boot && this.mode;
    const texts = boot?.texts;
    const retry = this.retry;
    const button = (label: string, part: string, onclick: (e: Event) => void) =>
      html`<button type="button" part="button ${part}" @click=${this.guard(onclick)}>${label}</button>`;
    const open = (e: Event) => context.openPreferences(e.currentTarget as HTMLElement);
    // The decision is recorded, and the banner closes, as soon as the code that records it is
    // here: it was asked for when the visitor reached for the banner (see `prefetch`). If it
    // cannot be loaded, the banner stays and says so, and Retry makes the same choice again.
    const decide = (fn: (d: Decisions) => void) => {
      const run = () =>
        void context.decisions().then(
          (d) => {
            fn(d);
            this.close();
          },
          (err: unknown) => {
            report("could not record the decision", err);
            this.retry = run;
          },
        );
      return run;
    };
    const actions =
      mode == "ask"
        ? [
            button(s.acceptAll, "accept", decide((d) => d.acceptAll(controller, "banner"))),
            button(s.rejectAll, "reject", decide((d) => d.rejectAll(controller, "banner"))),
            button(s.customize, "customize", open),
          ]
        : mode == "notice"
          ? [
              boot!.categories.some((c) => c.saleOrSharing)
                ? button(s.doNotSell, "do-not-sell", decide((d) => d.save(controller, Object.fromEntries(boot!.categories.map((c) => [c.id, !c.saleOrSharing])), "banner")))
                : nothing,
              button(s.yourChoices, "choices", open),
              button(s.ok, "ok", decide((d) => d.acknowledge(controller))),
            ]
          : [button(s.ok, "ok", () => this.close()), button(s.yourChoices, "choices", open)];
    return html`<div part="banner" class="region" role="region" @pointerover=${this.prefetch} @focusin=${this.prefetch} aria-label=${mode ? texts!.banner.title : pick(PRIVACY_CHOICES, s.$code)} tabindex="0" lang=${this.lang} dir=${this.dir}>
      ${retry
        ? html`<p part="status error" class="status" role="status">${s.loadError}</p>
            <div part="actions" class="actions">
              ${button(s.retry, "retry", () => {
                if (this.mode) this.clearError();
                retry();
              })}
              ${button(s.dismiss, "dismiss", () => this.clearError())}
            </div>`
        : nothing}
      ${mode
        ? html`<h2 part="title">${texts!.banner.title}</h2>
            <p part="description" class="description">${texts!.banner.description}</p>
            <p id="p" class="label">${s.purposes}</p>
            <ul part="purposes" aria-labelledby="p">
              ${boot!.categories.map((c) => html`<li part="purpose">${texts!.categories[c.id]?.title ?? c.id}</li>`)}
            </ul>
            ${controller.gpc ? html`<p part="status" class="status" role="status">${texts!.gpcHonored}</p>` : nothing}
            <p>
              <a part="policy-link" class="link" href=${boot!.policy.url}>${s.policy}</a>${boot!.policy.cookiePolicyUrl
                ? html`<a part="cookie-policy-link" class="link" href=${boot!.policy.cookiePolicyUrl}>${s.cookiePolicy}</a>`
                : nothing}
            </p>
            <div part="actions" class="actions">${actions}</div>`
        : nothing}
    </div>`;
  }

  override updated(): void {
    // Only after the visitor's own action in the banner (Retry, Dismiss) took away the focused
    // control: focus goes to the region, never on first display.
    if (this.hadFocus && !this.shadowRoot!.activeElement) this.renderRoot.querySelector<HTMLElement>(".region")?.focus();
  }

  /**
   * The visitor reaches for the banner: the code that records a choice is fetched now. Pointer
   * events cover touch too (a finger on the banner fires `pointerover` first), so there is no
   * `touchstart` listener, which would make touch scrolling in the banner wait for the page.
   */
  private prefetch(): void {
    this.context?.decisions().catch(() => undefined);
  }

  /** An event handler that never throws into the page. */
  private guard(fn: (e: Event) => void) {
    return (e: Event) => {
      try {
        fn(e);
      } catch (err) {
        report("handler failed", err);
      }
    };
  }

  /** A decision made elsewhere (API, preference center, another tab) closes the banner. */
  private changed(): void {
    const controller = this.context!.controller;
    if (this.mode && !controller.needsBanner() && controller.record?.updatedAt !== this.seen) this.close();
  }

  /** Keeps the page's focused elements clear of the banner (R8.5). */
  private reserve(): void {
    const height = `${Math.ceil(this.getBoundingClientRect().height)}px`;
    document.documentElement.style.scrollPaddingBottom = height;
    this.spacer.style.setProperty("height", height);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "assent-banner": AssentBanner;
  }
}
