/**
 * `<assent-embed-placeholder>`: stands in for a blocked `<iframe data-consent="…" data-src="…">`
 * (see ../script-gate.ts). It says which host the embed comes from and which purposes it needs,
 * and offers "Load" (grants exactly those categories, recorded as an `embed` decision) and
 * "Privacy choices" (the preference center).
 *
 * The factory in ./index.ts creates the element at once, with the iframe's `class` (so the
 * page's own sizing of the embed applies) and its `width`/`height`, so nothing moves; this class
 * arrives with the lazily loaded chunk and upgrades it.
 *
 * @csspart placeholder - The box.
 * @csspart message - "This content from … needs your consent for: …".
 * @csspart actions - The buttons' container.
 * @csspart button - Both buttons.
 * @csspart load - "Load".
 * @csspart choices - "Privacy choices".
 * @csspart status - Why the embed is still blocked (GPC, or the settings did not load).
 *
 * @cssproperty --assent-accent - And the other `--assent-*` properties (see styles.ts).
 */
import { LitElement, css, html, unsafeCSS } from "lit";
import type { Controller } from "../core/controller";
import type { OpenPreferences } from "./banner";
import type { UiStrings } from "./i18n/index";
import { BASE_CSS, applyTheme } from "./styles";

export class AssentEmbedPlaceholder extends LitElement {
  static override properties = {
    controller: { attribute: false },
    strings: { attribute: false },
    src: { attribute: false },
    categories: { attribute: false },
    _status: { state: true },
  };

  static override styles = [
    unsafeCSS(BASE_CSS),
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

  declare controller: Controller | undefined;
  declare strings: UiStrings | undefined;
  /** The blocked embed's `data-src`. */
  declare src: string;
  /** The categories it needs. */
  declare categories: string[];
  /** Why it is still blocked after "Load". */
  declare private _status: string;

  /** Opens the preference center (set by the chunk's entry). */
  openPreferences: OpenPreferences | undefined;

  constructor() {
    super();
    this.src = "";
    this.categories = [];
    this._status = "";
  }

  override willUpdate(): void {
    if (this.controller) applyTheme(this, this.controller);
  }

  override render() {
    const controller = this.controller;
    const s = this.strings;
    if (!controller || !s) return html``;
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
          <button type="button" part="button choices" @click=${this.choices}>${s.privacyChoices}</button>
        </div>
        <p part="status" class="status" role="status">${this._status}</p>
      </div>
    `;
  }

  /** Grants the embed's categories (after bootstrap, which a returning visitor may lack). */
  private async load(): Promise<void> {
    const controller = this.controller;
    const s = this.strings;
    if (!controller || !s) return;
    this._status = "";
    try {
      await controller.ensureBootstrap();
      controller.save({ ...controller.effectiveCategories(), ...Object.fromEntries(this.categories.map((id) => [id, true])) }, "embed");
      // Still blocked: GPC keeps a sale/sharing category off (R2.2), and the site's line says so.
      const effective = controller.effectiveCategories();
      if (this.categories.some((id) => !effective[id])) this._status = controller.bootstrap?.texts.gpcHonored ?? s.loadError;
    } catch (err) {
      console.warn("assent: could not load the embed", err);
      this._status = s.loadError;
    }
  }

  private choices(e: Event): void {
    this.openPreferences?.(e.currentTarget as HTMLElement);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "assent-embed-placeholder": AssentEmbedPlaceholder;
  }
}
