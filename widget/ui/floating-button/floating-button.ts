/**
 * `<assent-floating-button>`: the small fixed button that reopens the preference center on
 * every page (R1.10), when the site turns it on (`widget.floatingButton`). Its accessible name
 * is "Privacy choices" in the visitor's language.
 *
 * The core (../../core/ui-loader.ts) creates the one element, hidden while the banner is shown
 * so it never covers it, and imports this chunk (`floating-button.js`, with Lit) once the page
 * is idle; its name comes with it (../i18n/privacy-choices.ts), so no strings file is fetched.
 * It never pulls in the preference center, which loads on the click.
 *
 * @csspart button - The button.
 * @csspart icon - Its icon.
 *
 * @cssproperty --assent-fab-inset - Distance from the bottom and inline-start edges. Default: 1rem.
 * @cssproperty --assent-z - z-index. Default: 2147483000.
 * @cssproperty --assent-accent - And the other `--assent-*` properties (see ../theme.ts).
 *
 * @property context - The controller and the way to the preference center (from the core).
 */
import { LitElement, css, html, nothing, svg } from "lit";
import { dirOf, langOf } from "../../../shared/languages";
import type { UiContext } from "../context";
import { PRIVACY_CHOICES } from "../i18n/index";

import { applyTheme, themeStyles } from "../theme";

/** A shield with a check mark (drawn for Assent). */
const ICON = svg`<path fill-rule="evenodd" d="M12 2 4 5.2v5.9c0 5 3.4 9.6 8 10.9 4.6-1.3 8-5.9 8-10.9V5.2Zm-1.4 14.6-4-4 1.4-1.4 2.6 2.6 5.6-5.6 1.4 1.4Z" />`;

/** What the floating button needs of the core: no strings (its one label comes with it). */
export type FloatingButtonContext = Pick<UiContext, "controller" | "openPreferences">;

export class AssentFloatingButton extends LitElement {
  static override properties = {
    context: { attribute: false },
  };

  static override styles = [
    themeStyles,
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

  declare context: FloatingButtonContext | undefined;

  override willUpdate(): void {
    const context = this.context;
    if (!context) return;
    const boot = context.controller.bootstrap;
    const lang = langOf(boot?.locale ?? context.controller.lang);
    applyTheme(this, context.controller);
    this.lang = boot?.locale ?? lang;
    this.dir = boot?.dir ?? dirOf(lang);
  }

  override render() {
    if (!this.context) return nothing;
    const label = PRIVACY_CHOICES[langOf(this.lang)];
    return html`
      <button type="button" part="button" aria-label=${label} title=${label} @click=${this.open}>
        <svg part="icon" viewBox="0 0 24 24" aria-hidden="true">${ICON}</svg>
      </button>
    `;
  }

  private open(e: Event): void {
    this.context?.openPreferences(e.currentTarget as HTMLElement);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "assent-floating-button": AssentFloatingButton;
  }
}
