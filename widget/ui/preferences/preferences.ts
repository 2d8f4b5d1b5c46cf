/**
 * `<assent-preferences>`: the preference center, a native modal `<dialog>` (R8.1) in the lazily
 * loaded chunk `preferences.js`, imported when the visitor opens it.
 *
 * - Named by its heading, in the same shadow root (`aria-labelledby`, R8.13). Focus moves to
 *   the heading on open and back to the opener on close; the page behind is inert (R8.2).
 *   Escape and "Close" close it without saving anything (R1.7).
 * - One switch per category, a native `<input type="checkbox" role="switch">` with a visible
 *   label (R8.3), showing the current effective state, never defaults (R1.11); nothing optional
 *   is on before a choice (R1.4). `necessary` is on and locked, with a note. With GPC, the
 *   sale/sharing categories are off and locked, under the site's "honored" status line (R2.4).
 * - Each category shows its description; its vendors (purpose, first or third party,
 *   retention, policy link) and storage items (type, duration) are one click away (R1.6).
 * - "Save choices" records exactly the visible switches (R1.9); "Accept all" and "Reject all"
 *   have the banner's labels (R8.10) and one style (R1.3). Each closes the dialog (focus goes
 *   back to the opener) and "Preferences saved." is announced by a `role="status"` region
 *   outside the dialog, which is not inert once the modal closed (R8.9). Errors, and the
 *   outcome of "Delete my data", go to the status region inside the open dialog.
 * - The latest receipt id; "Your data" (`<assent-your-data>`, ./your-data.ts: download, and
 *   delete with a confirm step) once the Worker knows the visitor; the email lists
 *   (`<assent-email-signup>`, ./email-signup.ts) when the site has any. Both are elements of
 *   their own in this shadow root; their parts are exported as this element's, so
 *   `assent-preferences::part(signup)` keeps working.
 *
 * @csspart dialog - The `<dialog>`.
 * @csspart title - Its heading.
 * @csspart intro - The introduction.
 * @csspart close - The close button.
 * @csspart gpc - The GPC "honored" status line (also part `status`).
 * @csspart categories - The list of categories.
 * @csspart category - One category.
 * @csspart label - A category's switch label (its title).
 * @csspart switch - A category's switch.
 * @csspart note - The "always on" note of `necessary`.
 * @csspart description - A category's description.
 * @csspart vendor-names - The names of a category's vendors, visible without expanding (R1.6).
 * @csspart details - A category's `<details>` (vendors and storage).
 * @csspart vendor - One vendor.
 * @csspart storage-item - One cookie or storage item.
 * @csspart actions - The buttons' container.
 * @csspart button - Every button.
 * @csspart save - "Save choices".
 * @csspart accept - "Accept all".
 * @csspart reject - "Reject all".
 * @csspart status - The live region inside the dialog (errors, "Your data was deleted.").
 * @csspart announce - The visually hidden live region that says "Preferences saved." once the
 *   dialog closed.
 * @csspart receipt - The latest receipt id.
 * @csspart data - The "Your data" section.
 * @csspart download - "Download my data".
 * @csspart delete - "Delete my data".
 * @csspart confirm - The delete confirmation text.
 * @csspart confirm-delete - "Yes, delete".
 * @csspart cancel - "Cancel".
 * @csspart communications - The email section (marketing email, blog): separate from cookies.
 * @csspart list - One email list; `list-checkbox`, `consent-text` and `list-status` inside.
 * @csspart signup - The signup form; `email` is its address field, `sign-up` its button.
 * @csspart email-status - The email section's live status line.
 * @csspart challenge - Where the Turnstile widget shows, when the site protects its signup with
 *   Turnstile. The widget itself is a light-DOM child of `<assent-preferences>` (slot
 *   `turnstile`): Turnstile cannot render inside a shadow root.
 * @csspart policy-link - The privacy policy link.
 * @csspart cookie-policy-link - The cookie policy link, when the site has one.
 * @csspart rights-link - "Your privacy rights": the site's rights page (requests to access,
 *   delete, correct, opt out…), served by the Worker.
 * @csspart california-rights-link - "Your California Privacy Rights", when the site enables
 *   California (R9.7).
 *
 * @cssproperty --assent-accent - Button and switch colour (see ../theme.ts for all of them).
 * @cssproperty --assent-on-accent - Button text colour.
 * @cssproperty --assent-bg - Background.
 * @cssproperty --assent-fg - Text and focus ring.
 * @cssproperty --assent-muted - Secondary text.
 * @cssproperty --assent-border - Borders and the off switch.
 * @cssproperty --assent-radius - Corner radius.
 * @cssproperty --assent-font - Font family.
 * @cssproperty --assent-z - Unused by the dialog (it is in the top layer); listed for symmetry.
 *
 * @slot turnstile - The Turnstile container of the email signup (a light-DOM child, forwarded to `<assent-email-signup>`).
 *
 * @property controller - The widget's controller (set by ./index.ts).
 * @property strings - The UI strings: the banner's (the same labels, R8.10) and the preference center's.
 */
import { LitElement, type TemplateResult, html, nothing } from "lit";
import type { Category, SiteTexts } from "../../../worker/contract";
import type { Controller } from "../../core/controller";
import { acceptAll, rejectAll, save } from "../../core/decisions";
import type { AssentMessageEvent } from "../events";
import type { UiStrings } from "../i18n/index";
import { applyTheme, themeStyles } from "../theme";
import { preferencesStyles, sectionStyles } from "./preferences.styles";

/** The parts of the sections, exported as the dialog's own (`assent-preferences::part(signup)`). */
const EMAIL_PARTS = "communications, list, list-checkbox, label, consent-text, list-status, signup, email, button, sign-up, email-status, challenge";
const DATA_PARTS = "data, confirm, button, confirm-delete, cancel, download, delete";

/** What Tab can reach in `root`, in tree order, the sections' shadow roots included. */
function deepFocusables(root: ParentNode): HTMLElement[] {
  const out: HTMLElement[] = [];
  for (const el of root.querySelectorAll<HTMLElement>("*")) {
    if (el.matches("button, input:not(:disabled), a[href], summary")) out.push(el);
    if (el.shadowRoot) out.push(...deepFocusables(el.shadowRoot));
  }
  return out;
}

/** Only http(s) links are rendered (site config is validated, this is a second fence). */
const httpUrl = (url: string | undefined) => (url && /^https?:\/\//i.test(url) ? url : undefined);

export class AssentPreferences extends LitElement {
  static override properties = {
    controller: { attribute: false },
    strings: { attribute: false },
    _choices: { state: true },
    _message: { state: true },
    _announcement: { state: true },
  };

  static override styles = [themeStyles, sectionStyles, preferencesStyles];

  /** The widget's controller (set by the chunk's entry). */
  declare controller: Controller | undefined;
  /** The UI strings: the banner's (same labels, R8.10) and the preference center's. */
  declare strings: UiStrings | undefined;
  /** The switches as shown: the effective state on open, then the visitor's edits. */
  declare private _choices: Record<string, boolean>;
  /** The live region's text. */
  declare private _message: string;
  /** What the live region outside the dialog says (after a decision closed it). */
  declare private _announcement: string;
  private opener: Element | null = null;
  private unsubscribe: (() => void) | undefined;

  constructor() {
    super();
    this._choices = {};
    this._message = "";
    this._announcement = "";
  }

  /** Opens the dialog showing the current state; `opener` gets focus back on close. */
  async show(opener: Element | null): Promise<void> {
    const controller = this.controller;
    if (!controller?.bootstrap) return;
    if (this.dialog?.open) return;
    applyTheme(this, controller);
    this.opener = opener;
    this._choices = controller.effectiveCategories();
    this._message = "";
    this._announcement = "";
    this.unsubscribe?.();
    this.unsubscribe = controller.subscribe(() => this.requestUpdate());
    await this.updateComplete;
    this.renderRoot.querySelector("assent-email-signup")?.reset();
    this.dialog?.showModal();
    this.renderRoot.querySelector<HTMLElement>("h2")?.focus();
  }

  private get dialog(): HTMLDialogElement | null {
    return this.renderRoot.querySelector("dialog");
  }

  override render() {
    const controller = this.controller;
    const s = this.strings;
    const boot = controller?.bootstrap;
    if (!controller || !s || !boot) return nothing;
    const texts = boot.texts;
    const gpcLocked = (c: Category) => controller.gpc && c.saleOrSharing && !c.required;
    const record = controller.record;
    const policy = httpUrl(boot.policy.url);
    const cookiePolicy = httpUrl(boot.policy.cookiePolicyUrl);
    // The rights page is served by the Worker itself, next to the API.
    const rights = new URL(`r/${encodeURIComponent(boot.site.id)}?lang=${encodeURIComponent(boot.locale)}`, controller.api.endpoint).href;
    return html`
      <dialog
        part="dialog"
        aria-labelledby="title"
        lang=${boot.locale}
        dir=${boot.dir}
        @close=${this.onClose}
        @keydown=${this.onKeydown}
      >
        <div class="head">
          <h2 id="title" part="title" tabindex="-1">${s.title}</h2>
          <button type="button" class="close" part="button close" aria-label=${s.close} @click=${this.close}>
            <span aria-hidden="true">×</span>
          </button>
        </div>
        <p part="intro">${s.intro}</p>
        ${boot.categories.some(gpcLocked)
          ? html`<p id="gpc" part="status gpc" class="status" role="status">${texts.gpcHonored}</p>`
          : nothing}
        <div part="categories">${boot.categories.map((c) => this.renderCategory(c, texts, s, gpcLocked(c)))}</div>
        ${boot.communications.length
          ? html`<assent-email-signup exportparts=${EMAIL_PARTS} .controller=${controller} .strings=${s}
              >${boot.turnstile ? html`<slot name="turnstile" slot="turnstile"></slot>` : nothing}</assent-email-signup
            >`
          : nothing}
        <div part="actions" class="actions">
          <button type="button" part="button save" @click=${this.save}>${s.save}</button>
          <button type="button" part="button accept" @click=${this.acceptAll}>${s.acceptAll}</button>
          <button type="button" part="button reject" @click=${this.rejectAll}>${s.rejectAll}</button>
        </div>
        <p part="status" class="status" role="status">${this._message}</p>
        ${record?.pending || record?.receiptId
          ? html`<p part="receipt" class="receipt">
              ${s.receipt}: ${record.pending ? s.notRecorded : html`<code>${record.receiptId}</code>`}
            </p>`
          : nothing}
        ${record?.token
          ? html`<assent-your-data
              exportparts=${DATA_PARTS}
              .controller=${controller}
              .strings=${s}
              @assent-message=${(e: AssentMessageEvent) => void this.announce(e.message)}
              @assent-data-deleted=${this.deleted}
            ></assent-your-data>`
          : nothing}
        <p class="links">
          ${policy ? html`<a part="policy-link" class="link" href=${policy}>${s.policy}</a>` : nothing}
          ${cookiePolicy ? html`<a part="cookie-policy-link" class="link" href=${cookiePolicy}>${s.cookiePolicy}</a>` : nothing}
          <a part="rights-link" class="link" href=${rights}>${s.rightsLink}</a>
          ${boot.rights?.california
            ? html`<a part="california-rights-link" class="link" href=${`${rights}#california`}>${s.californiaRightsLink}</a>`
            : nothing}
        </p>
      </dialog>
      <p part="announce" class="vh" role="status">${this._announcement}</p>
    `;
  }

  private renderCategory(c: Category, texts: SiteTexts, s: UiStrings, locked: boolean): TemplateResult {
    const t = texts.categories[c.id];
    const id = `switch-${c.id}`;
    const on = c.required || (!locked && this._choices[c.id] === true);
    return html`
      <div part="category" class="cat">
        <div class="row">
          <label for=${id} part="label">${t?.title ?? c.id}</label>
          <input
            id=${id}
            type="checkbox"
            role="switch"
            part="switch"
            .checked=${on}
            ?disabled=${c.required || locked}
            aria-describedby=${c.required ? `note-${c.id}` : locked ? "gpc" : nothing}
            @change=${(e: Event) => {
              this._choices = { ...this._choices, [c.id]: (e.target as HTMLInputElement).checked };
            }}
          />
        </div>
        ${c.required ? html`<p id=${`note-${c.id}`} part="note" class="note">${s.alwaysOn}</p>` : nothing}
        ${t ? html`<p part="description" class="desc">${t.description}</p>` : nothing}
        ${c.vendors.length
          ? html`<p part="vendor-names" class="desc">${s.vendors}: ${c.vendors.map((v) => v.name).join(", ")}</p>`
          : nothing}
        ${c.vendors.length + c.storage.length > 0
          ? html`<details part="details">
              <summary>${s.details(c.vendors.length, c.storage.length)}</summary>
              ${c.vendors.length
                ? html`<h3>${s.vendors}</h3>
                    <ul>
                      ${c.vendors.map((v) => {
                        const url = httpUrl(v.policyUrl);
                        return html`<li part="vendor">
                          ${url ? html`<a class="link" href=${url}>${v.name}</a>` : v.name}
                          <span>${texts.vendors[v.id]?.purpose ?? ""}</span>
                          <span class="meta">${v.thirdParty ? s.thirdParty : s.firstParty} · ${s.retention(this.duration(v.retentionDays))}</span>
                        </li>`;
                      })}
                    </ul>`
                : nothing}
              ${c.storage.length
                ? html`<h3>${s.storage}</h3>
                    <ul>
                      ${c.storage.map(
                        (item) => html`<li part="storage-item">
                          <code>${item.name}</code>
                          <span class="meta"
                            >${s.storageTypes[item.type] ?? item.type} ·
                            ${item.durationDays === null ? s.session : this.duration(item.durationDays)}${item.thirdParty
                              ? ` · ${s.thirdParty}`
                              : ""}</span
                          >
                        </li>`,
                      )}
                    </ul>`
                : nothing}
            </details>`
          : nothing}
      </div>
    `;
  }

  /** Days as "400 days", or as years from 365 days on ("1.1 years"), in the UI's language. */
  private duration(days: number): string {
    const years = days >= 365;
    return new Intl.NumberFormat(this.strings?.$code ?? "en", {
      style: "unit",
      unit: years ? "year" : "day",
      unitDisplay: "long",
      maximumFractionDigits: 1,
    }).format(years ? days / 365 : days);
  }

  // --- handlers (Lit binds `this`; each catches its own errors: nothing reaches the page) ---

  private save(): void {
    this.decide((controller, boot) => {
      const visible = Object.fromEntries(
        boot.categories.map((c) => [c.id, c.required || (!(controller.gpc && c.saleOrSharing) && this._choices[c.id] === true)]),
      );
      save(controller, visible, "preferences");
    });
  }

  private acceptAll(): void {
    this.decide((controller) => acceptAll(controller, "preferences"));
  }

  private rejectAll(): void {
    this.decide((controller) => rejectAll(controller, "preferences"));
  }

  /** Records a decision, closes the dialog and says so outside it. */
  private decide(fn: (controller: Controller, boot: NonNullable<Controller["bootstrap"]>) => void): void {
    const controller = this.controller;
    const boot = controller?.bootstrap;
    if (!controller || !boot) return;
    try {
      fn(controller, boot);
      this._choices = controller.effectiveCategories();
      this.close();
      // Set after the close, so the region is no longer inert when its text changes.
      this._announcement = "";
      void this.updateComplete.then(() => (this._announcement = this.strings?.saved ?? ""));
    } catch (err) {
      console.warn("assent: could not save the preferences", err);
      void this.announce(this.strings?.failed ?? "");
    }
  }

  /** Puts `text` in the live region; cleared first so the same message is announced again. */
  private async announce(text: string): Promise<void> {
    this._message = "";
    await this.updateComplete;
    this._message = text;
  }

  /** "Your data" erased it: the switches show the defaults again, and focus stays in the dialog (the section is gone with the token). */
  private async deleted(): Promise<void> {
    this._choices = this.controller?.effectiveCategories() ?? {};
    await this.announce(this.strings?.deleted ?? "");
    this.renderRoot.querySelector<HTMLElement>("h2")?.focus();
  }

  private close(): void {
    this.dialog?.close();
  }

  /**
   * Tab and Shift+Tab cycle inside the dialog (R8.2): a native modal dialog makes the page
   * inert but lets focus leave for the browser's own UI after the last control.
   */
  private onKeydown(e: KeyboardEvent): void {
    if (e.key !== "Tab") return;
    const focusable = deepFocusables(this.renderRoot).filter((el) => el.getClientRects().length > 0);
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    let active = (this.renderRoot as ShadowRoot).activeElement;
    while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
    const target = e.shiftKey ? (active === first || !focusable.includes(active as HTMLElement) ? last : null) : active === last ? first : null;
    if (target) {
      e.preventDefault();
      target.focus();
    }
  }

  /** Closed (Escape, Close): nothing is saved; focus goes back to the opener (R8.2). */
  private onClose(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.renderRoot.querySelector("assent-email-signup")?.stop();
    this.renderRoot.querySelector("assent-your-data")?.reset();
    const opener = this.opener;
    this.opener = null;
    if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "assent-preferences": AssentPreferences;
  }
}
