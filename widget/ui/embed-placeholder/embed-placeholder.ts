/**
 * `<assent-embed-placeholder>`: stands in for a blocked `<iframe data-consent="…" data-src="…">`
 * (see ../script-gate.ts). It says which host the embed comes from and which purposes it needs,
 * and offers "Load" (grants exactly those categories, recorded as an `embed` decision) and
 * "Privacy choices" (the preference center).
 *
 * The core's factory (../../core/ui-loader.ts) creates the element at once, with the iframe's `class` (so the
 * page's own sizing of the embed applies) and its `width`/`height`, so nothing moves; this class
 * arrives with its chunk (`embed-placeholder.js`) and upgrades it.
 *
 * @csspart placeholder - The box.
 * @csspart message - "This content from … needs your consent for: …".
 * @csspart actions - The buttons' container.
 * @csspart button - Both buttons.
 * @csspart load - "Load".
 * @csspart choices - "Privacy choices".
 * @csspart status - Why the embed is still blocked (GPC, or the settings did not load).
 *
 * @cssproperty --assent-accent - And the other `--assent-*` properties (see ../theme.ts).
 *
 * @property context - The controller, the banner strings and the way to the preference center (from the core).
 * @property strings - Its own strings ("Load", the message), in the banner strings' language.
 * @property src - The blocked embed's `data-src`.
 * @property categories - The categories it needs.
 */
import { LitElement, css, html, nothing } from "lit";
import { save } from "../../core/decisions";
import type { UiContext } from "../context";
import { PRIVACY_CHOICES, type PreferencesStrings, pick } from "../i18n/index";

import { applyTheme, themeStyles } from "../theme";

export class AssentEmbedPlaceholder extends LitElement {
  static override properties = {
    context: { attribute: false },
    strings: { attribute: false },
    src: { attribute: false },
    categories: { attribute: false },
    _status: { state: true },
  };

  static override styles = [
    themeStyles,
    css`
      :host {
        min-height: 10rem;
      }
      .box {
        display: flex;
        flex-direction: column;
        justify-content: center;
        gap: 0.75rem;
        height: 100%;
        min-height: inherit;
        padding: 1rem;
        background: var(--_bg);
        border: 2px dashed var(--_bd);
        border-radius: var(--_r);
      }
      p {
        margin: 0;
      }
      .status {
        font-weight: 600;
      }
      .actions {
        grid-template-columns: repeat(auto-fit, minmax(min(100%, 9rem), 1fr));
      }
    `,
  ];

  declare context: UiContext | undefined;
  declare strings: Pick<PreferencesStrings, "load" | "embed"> | undefined;
  /** The blocked embed's `data-src`. */
  declare src: string;
  /** The categories it needs. */
  declare categories: string[];
  /** Why it is still blocked after "Load". */
  declare private _status: string;

  constructor() {
    super();
    this.src = "";
    this.categories = [];
    this._status = "";
  }

  override willUpdate(): void {
    if (this.context) applyTheme(this, this.context.controller);
  }

  override render() {
    const controller = this.context?.controller;
    const s = this.strings && this.context && { ...this.context.strings, ...this.strings };
    if (!controller || !s) return nothing;
    let host = "?";
    try {
      host = new URL(this.src, location.href).hostname || host;
    } catch {
      // an unparsable data-src: say nothing about its host
    }
    const titles = this.categories.map((id) => controller.bootstrap?.texts.categories[id]?.title ?? id);
    const lang = controller.bootstrap?.locale ?? s.$code;
    return html`
      <div part="placeholder" class="box" lang=${lang} dir=${controller.bootstrap?.dir ?? s.$dir}>
        <p part="message">${s.embed(host, new Intl.ListFormat(lang, { type: "conjunction" }).format(titles))}</p>
        <div part="actions" class="actions">
          <button type="button" part="button load" @click=${this.load}>${s.load}</button>
          <button type="button" part="button choices" @click=${this.choices}>${pick(PRIVACY_CHOICES, s.$code)}</button>
        </div>
        <p part="status" class="status" role="status">${this._status}</p>
      </div>
    `;
  }

  /** Grants the embed's categories (after bootstrap, which a returning visitor may lack). */
  private async load(): Promise<void> {
    const controller = this.context?.controller;
    const s = this.context?.strings;
    if (!controller || !s) return;
    this._status = "";
    try {
      await controller.ensureBootstrap();
      save(controller, { ...controller.effectiveCategories(), ...Object.fromEntries(this.categories.map((id) => [id, true])) }, "embed");
      // Still blocked: GPC keeps a sale/sharing category off (R2.2), and the site's line says so.
      const effective = controller.effectiveCategories();
      if (this.categories.some((id) => !effective[id])) this._status = controller.bootstrap?.texts.gpcHonored ?? s.loadError;
    } catch (err) {
      console.warn("assent: could not load the embed", err);
      this._status = s.loadError;
    }
  }

  private choices(e: Event): void {
    this.context?.openPreferences(e.currentTarget as HTMLElement);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "assent-embed-placeholder": AssentEmbedPlaceholder;
  }
}
