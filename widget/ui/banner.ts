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
 * @cssproperty --assent-accent - Button colour (see styles.ts for all `--assent-*` properties).
 * @cssproperty --assent-on-accent - Button text colour.
 * @cssproperty --assent-bg - Background.
 * @cssproperty --assent-fg - Text and focus ring.
 * @cssproperty --assent-muted - Secondary text.
 * @cssproperty --assent-border - Borders.
 * @cssproperty --assent-radius - Corner radius.
 * @cssproperty --assent-font - Font family.
 * @cssproperty --assent-z - z-index.
 */
import type { Controller } from "../core/controller";
import { ShadowElement, h } from "./dom";
import { bannerStrings } from "./i18n/index";
import { BASE_CSS, applyTheme } from "./styles";

/** What the first layer shows (from `controller.settleWithoutRecord()`). */
export type BannerMode = "ask" | "notice" | "gpc-honored";

/** Opens the preference center; `opener` gets focus back when it closes. */
export type OpenPreferences = (opener: HTMLElement) => void;

// One-letter class names keep assent.js small: b = the region, s = a status line, l = the
// purpose list's label, d = the description. The region's scroll-padding keeps a control that
// takes focus in the scrolled region clear of its edges, focus ring included (R8.4, R8.7).
const CSS = `:host{position:fixed;inset-inline:0;bottom:0;z-index:var(--assent-z,2147483000)}
.b{max-height:min(85vh,40rem);overflow:auto;background:var(--_bg);border-top:2px solid var(--_bd);box-shadow:0 -4px 16px #0004;padding:1rem max(1rem,(100% - 60rem)/2);scroll-padding-block:.5rem}
.b:focus-visible{outline-offset:-5px}
h2{margin:0 0 .5rem;font-size:1.125rem}
ul{display:flex;flex-wrap:wrap;gap:.25rem .5rem;margin:0 0 .75rem;padding:0;list-style:none}
li{padding:0 .625rem;border:1px solid var(--_bd);border-radius:1rem}
.s,.l{font-weight:600}
.l{margin:0}
.d{white-space:pre-line}
p>a{margin-inline-end:1.25rem}
.s+.actions{margin-bottom:1rem}`;

export class AssentBanner extends ShadowElement {
  static override styles = BASE_CSS + CSS;

  private controller: Controller | undefined;
  /** What is shown; null while only the error line is. */
  private mode: BannerMode | null = null;
  /** Set while the error line is shown: what Retry does. */
  private retry: (() => void) | undefined;
  private open: OpenPreferences | undefined;
  /** `record.updatedAt` when the decision content was shown: a newer decision closes the banner. */
  private seen: string | undefined;
  private unsubscribe: (() => void) | undefined;
  private observer: ResizeObserver | undefined;
  private readonly spacer = document.createElement("assent-spacer");
  private padding = "";
  /** Called after the banner closed (the floating button shows again). */
  onClosed: (() => void) | undefined;

  /**
   * Shows the decision content for `mode` (`undefined`: keeps what is shown) and, when `retry`
   * is given, the error line above it.
   */
  show(controller: Controller, mode: BannerMode | undefined, open: OpenPreferences, retry?: () => void): void {
    if (mode) {
      this.mode = mode;
      this.seen = controller.record?.updatedAt;
    }
    this.controller = controller;
    this.open = open;
    this.retry = retry;
    this.unsubscribe?.();
    this.unsubscribe = controller.subscribe(() => this.changed());
    this.render();
  }

  /** Drops the error line (what failed has worked since); a banner with nothing else closes. */
  clearError(): void {
    if (!this.retry) return;
    if (this.mode) this.show(this.controller!, undefined, this.open!);
    else this.close();
  }

  /** Closes the banner; grants nothing. */
  close(): void {
    this.remove();
  }

  connectedCallback(): void {
    this.padding = document.documentElement.style.scrollPaddingBottom;
    this.spacer.setAttribute("aria-hidden", "true");
    this.spacer.style.setProperty("display", "block");
    document.body.append(this.spacer);
    if (typeof ResizeObserver == "function") (this.observer = new ResizeObserver(() => this.reserve())).observe(this);
  }

  disconnectedCallback(): void {
    this.observer?.disconnect();
    this.spacer.remove();
    document.documentElement.style.scrollPaddingBottom = this.padding;
    this.unsubscribe?.();
    this.mode = null;
    this.onClosed?.();
  }

  private render(): void {
    const controller = this.controller!;
    const s = bannerStrings(controller);
    const boot = controller.bootstrap;
    const mode = boot && this.mode;
    const texts = boot?.texts;
    // The site texts' language when known, else the strings' own (R8.10).
    const lang = boot?.locale ?? s.$code;
    const dir = boot?.dir ?? s.$dir;
    const hadFocus = this.root.activeElement;
    applyTheme(this, controller);
    this.lang = lang;
    this.dir = dir;

    const button = (label: string, part: string, onclick: (e: Event) => unknown) => h("button", { type: "button", part: `button ${part}`, onclick }, label);
    const open = (e: Event) => this.open?.(e.currentTarget as HTMLElement);
    const decide = (fn: () => void) => () => {
      fn();
      this.close();
    };
    const retry = this.retry;
    const actions =
      mode == "ask"
        ? [
            button(s.acceptAll, "accept", decide(() => controller.acceptAll("banner"))),
            button(s.rejectAll, "reject", decide(() => controller.rejectAll("banner"))),
            button(s.customize, "customize", open),
          ]
        : mode == "notice"
          ? [
              boot!.categories.some((c) => c.saleOrSharing) &&
                button(s.doNotSell, "do-not-sell", decide(() => controller.save(Object.fromEntries(boot!.categories.map((c) => [c.id, !c.saleOrSharing])), "banner"))),
              button(s.yourChoices, "choices", open),
              button(s.ok, "ok", decide(() => controller.acknowledge())),
            ]
          : [button(s.ok, "ok", () => this.close()), button(s.yourChoices, "choices", open)];

    this.paint(
      h(
        "div",
        { part: "banner", class: "b", role: "region", "aria-label": mode ? texts!.banner.title : s.privacyChoices, tabindex: "0", lang, dir },
        retry && h("p", { part: "status error", class: "s", role: "status" }, s.loadError),
        retry &&
          h(
            "div",
            { part: "actions", class: "actions" },
            button(s.retry, "retry", () => {
              if (this.mode) this.clearError();
              retry();
            }),
            button(s.dismiss, "dismiss", () => this.clearError()),
          ),
        mode && h("h2", { part: "title" }, texts!.banner.title),
        mode && h("p", { part: "description", class: "d" }, texts!.banner.description),
        mode && h("p", { id: "p", class: "l" }, s.purposes),
        mode && h("ul", { part: "purposes", "aria-labelledby": "p" }, ...boot!.categories.map((c) => h("li", { part: "purpose" }, texts!.categories[c.id]?.title ?? c.id))),
        mode && controller.gpc && h("p", { part: "status", class: "s", role: "status" }, texts!.gpcHonored),
        mode &&
          h(
            "p",
            null,
            h("a", { part: "policy-link", class: "link", href: boot!.policy.url }, s.policy),
            boot!.policy.cookiePolicyUrl && h("a", { part: "cookie-policy-link", class: "link", href: boot!.policy.cookiePolicyUrl }, s.cookiePolicy),
          ),
        mode && h("div", { part: "actions", class: "actions" }, ...actions),
      ),
    );
    // Only after the visitor's own action in the banner (Retry, Dismiss): never on first display.
    if (hadFocus) (this.root.lastElementChild as HTMLElement).focus();
  }

  /** A decision made elsewhere (API, preference center, another tab) closes the banner. */
  private changed(): void {
    const controller = this.controller!;
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
