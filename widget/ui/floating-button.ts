/**
 * `<assent-floating-button>`: the small fixed button that reopens the preference center on
 * every page (R1.10), when the site turns it on (`widget.floatingButton`). Its accessible name
 * is "Privacy choices" in the visitor's language.
 *
 * ./index.ts creates the one element (and hides it while the banner is shown, so it never
 * covers it); this class arrives with the lazily loaded chunk, fetched when the page is idle,
 * and upgrades it. Clicking it opens the preference center from the chunk already loaded.
 *
 * @csspart button - The button.
 * @csspart icon - Its icon.
 *
 * @cssproperty --assent-fab-inset - Distance from the bottom and inline-start edges. Default: 1rem.
 * @cssproperty --assent-z - z-index. Default: 2147483000.
 * @cssproperty --assent-accent - And the other `--assent-*` properties (see styles.ts).
 */
import { LitElement, css, html, svg, unsafeCSS } from "lit";
import type { Controller } from "../core/controller";
import type { OpenPreferences } from "./banner";
import type { BannerStrings } from "./i18n/index";
import { BASE_CSS, applyTheme } from "./styles";

/** A shield with a check mark (drawn for Assent). */
const ICON = svg`<path fill-rule="evenodd" d="M12 2 4 5.2v5.9c0 5 3.4 9.6 8 10.9 4.6-1.3 8-5.9 8-10.9V5.2Zm-1.4 14.6-4-4 1.4-1.4 2.6 2.6 5.6-5.6 1.4 1.4Z" />`;

export class AssentFloatingButton extends LitElement {
  static override properties = {
    controller: { attribute: false },
    strings: { attribute: false },
  };

  static override styles = [
    unsafeCSS(BASE_CSS),
    css`
      :host {
        position: fixed;
        bottom: var(--assent-fab-inset, 1rem);
        inset-inline-start: var(--assent-fab-inset, 1rem);
        z-index: var(--assent-z, 2147483000);
      }
      button {
        display: grid;
        place-items: center;
        width: 48px;
        height: 48px;
        padding: 0;
        border-radius: 50%;
        box-shadow: 0 2px 8px rgb(0 0 0 / 0.3);
      }
      svg {
        width: 26px;
        height: 26px;
        fill: currentColor;
      }
    `,
  ];

  declare controller: Controller | undefined;
  declare strings: BannerStrings | undefined;

  /** Opens the preference center (set by the chunk's entry). */
  openPreferences: OpenPreferences | undefined;

  override willUpdate(): void {
    const s = this.strings;
    if (this.controller) applyTheme(this, this.controller);
    if (s) {
      this.lang = this.controller?.bootstrap?.locale ?? s.$code;
      this.dir = this.controller?.bootstrap?.dir ?? s.$dir;
    }
  }

  override render() {
    const s = this.strings;
    if (!s) return html``;
    return html`
      <button type="button" part="button" aria-label=${s.privacyChoices} title=${s.privacyChoices} @click=${this.open}>
        <svg part="icon" viewBox="0 0 24 24" aria-hidden="true">${ICON}</svg>
      </button>
    `;
  }

  private open(e: Event): void {
    this.openPreferences?.(e.currentTarget as HTMLElement);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "assent-floating-button": AssentFloatingButton;
  }
}
