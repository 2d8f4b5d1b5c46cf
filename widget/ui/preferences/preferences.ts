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
 * - The latest receipt id; "Download my data" and "Delete my data" (with a confirm step) once
 *   the Worker knows the visitor.
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
 *
 * @cssproperty --assent-accent - Button and switch colour (see styles.ts for all of them).
 * @cssproperty --assent-on-accent - Button text colour.
 * @cssproperty --assent-bg - Background.
 * @cssproperty --assent-fg - Text and focus ring.
 * @cssproperty --assent-muted - Secondary text.
 * @cssproperty --assent-border - Borders and the off switch.
 * @cssproperty --assent-radius - Corner radius.
 * @cssproperty --assent-font - Font family.
 * @cssproperty --assent-z - Unused by the dialog (it is in the top layer); listed for symmetry.
 */
import { LitElement, type TemplateResult, css, html, nothing } from "lit";
import type { Category, SiteTexts } from "../../../worker/contract";
import type { Controller } from "../../core/controller";
import { acceptAll, rejectAll, save } from "../../core/decisions";
import { type ListStatus, listStatuses, subscribe } from "./subscriptions";
import { type ChallengeState, ChallengeError, TurnstileChallenge } from "./turnstile";
import { deleteData, exportData } from "./your-data-requests";
import type { UiStrings } from "../i18n/index";
import { applyTheme, baseStyles } from "../styles";

/** Only http(s) links are rendered (site config is validated, this is a second fence). */
const httpUrl = (url: string | undefined) => (url && /^https?:\/\//i.test(url) ? url : undefined);

export class AssentPreferences extends LitElement {
  static override properties = {
    controller: { attribute: false },
    strings: { attribute: false },
    _choices: { state: true },
    _message: { state: true },
    _confirming: { state: true },
    _announcement: { state: true },
    _lists: { state: true },
    _picked: { state: true },
    _emailMessage: { state: true },
    _challenge: { state: true },
  };

  static override styles = [
    baseStyles,
    css`
      :host {
        display: contents;
        --_mu: var(--assent-muted, #50565e);
      }
      :host([scheme="dark"]) {
        --_mu: var(--assent-muted, #c9ccd1);
      }
      @media (prefers-color-scheme: dark) {
        :host(:not([scheme="light"])) {
          --_mu: var(--assent-muted, #c9ccd1);
        }
      }
      .communications {
        margin-block: 1rem;
      }
      .lists {
        list-style: none;
        padding: 0;
        margin: 0;
      }
      .lists li {
        display: grid;
        grid-template-columns: auto 1fr;
        column-gap: 0.5rem;
        align-items: start;
        margin-block-end: 0.75rem;
      }
      .lists li > :not(input) {
        grid-column: 2;
        margin: 0;
      }
      .lists input[type="checkbox"] {
        width: 24px;
        height: 24px;
        margin: 0;
        accent-color: var(--_ac);
      }
      .lists label {
        font-weight: 600;
        grid-row: 1;
      }
      .signup {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        align-items: center;
      }
      .challenge {
        flex-basis: 100%;
        min-height: 65px;
      }
      .signup input[type="email"] {
        font: inherit;
        min-height: 44px;
        min-width: min(16rem, 100%);
        flex: 1;
        padding: 0.5rem;
        border: 2px solid var(--_bd);
        border-radius: var(--_r);
        background: var(--_bg);
        color: var(--_fg);
      }
      dialog {
        width: min(42rem, 100% - 1rem);
        max-width: none;
        max-height: calc(100% - 1rem);
        margin: auto;
        padding: 1.25rem;
        overflow: auto;
        overscroll-behavior: contain;
        border: 2px solid var(--_bd);
        border-radius: var(--_r);
        background: var(--_bg);
        color: var(--_fg);
      }
      dialog::backdrop {
        background: rgb(0 0 0 / 0.55);
      }
      .head {
        display: flex;
        align-items: flex-start;
        justify-content: space-between;
        gap: 1rem;
      }
      h2 {
        margin: 0.375rem 0 0.75rem;
        font-size: 1.25rem;
        line-height: 1.3;
      }
      h3 {
        margin: 0.75rem 0 0.25rem;
        font-size: 1rem;
      }
      .close {
        flex: none;
        padding: 0;
        font-size: 1.5rem;
        line-height: 1;
      }
      .close,
      .secondary {
        background: transparent;
        color: var(--_fg);
        border-color: var(--_bd);
      }
      .cat {
        margin: 0 0 0.75rem;
        padding: 0.75rem 1rem;
        border: 1px solid var(--_bd);
        border-radius: var(--_r);
      }
      .row {
        display: flex;
        align-items: center;
        justify-content: space-between;
        gap: 1rem;
      }
      label {
        font-weight: 700;
        cursor: pointer;
      }
      .desc {
        margin: 0.5rem 0;
        white-space: pre-line;
      }
      .note,
      .meta {
        color: var(--_mu);
      }
      .note {
        margin: 0.25rem 0 0;
      }
      summary {
        padding-block: 2px;
        font-weight: 600;
        cursor: pointer;
      }
      ul {
        margin: 0;
        padding-inline-start: 1.25rem;
      }
      li {
        margin: 0.375rem 0;
      }
      li > span {
        display: block;
      }
      code {
        font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace;
        font-size: 0.9375em;
        overflow-wrap: anywhere;
      }
      .status {
        margin: 0.75rem 0 0;
        font-weight: 600;
      }
      .status:empty {
        margin: 0;
      }
      #gpc {
        margin: 0 0 0.75rem;
      }
      .vh {
        position: absolute;
        width: 1px;
        height: 1px;
        margin: -1px;
        overflow: hidden;
        clip-path: inset(50%);
        white-space: nowrap;
      }
      .receipt {
        margin: 0.75rem 0 0;
      }
      .data {
        margin-top: 1rem;
        padding-top: 0.25rem;
        border-top: 1px solid var(--_bd);
      }
      .links {
        display: flex;
        flex-wrap: wrap;
        gap: 0 1.25rem;
        margin: 1rem 0 0;
      }
      input[role="switch"] {
        appearance: none;
        flex: none;
        width: 48px;
        height: 28px;
        margin: 0;
        border: 2px solid var(--_bd);
        border-radius: 14px;
        background: var(--_bg) radial-gradient(circle at 12px 50%, var(--_bd) 7px, transparent 8px) no-repeat;
        cursor: pointer;
      }
      input[role="switch"]:checked {
        border-color: var(--_eg);
        background: var(--_ac) radial-gradient(circle at calc(100% - 12px) 50%, var(--_on) 7px, transparent 8px) no-repeat;
      }
      [dir="rtl"] input[role="switch"] {
        background-image: radial-gradient(circle at calc(100% - 12px) 50%, var(--_bd) 7px, transparent 8px);
      }
      [dir="rtl"] input[role="switch"]:checked {
        background-image: radial-gradient(circle at 12px 50%, var(--_on) 7px, transparent 8px);
      }
      input[role="switch"]:disabled {
        cursor: not-allowed;
        border-style: dashed;
      }
      @media (prefers-reduced-motion: reduce) {
        * {
          animation: none !important;
          transition: none !important;
        }
      }
      @media (forced-colors: active) {
        input[role="switch"] {
          appearance: auto;
          width: 24px;
          height: 24px;
        }
        dialog {
          border-color: CanvasText;
        }
      }
    `,
  ];

  /** The widget's controller (set by the chunk's entry). */
  declare controller: Controller | undefined;
  /** The UI strings: the banner's (same labels, R8.10) and the preference center's. */
  declare strings: UiStrings | undefined;
  /** The switches as shown: the effective state on open, then the visitor's edits. */
  declare private _choices: Record<string, boolean>;
  /** The live region's text. */
  declare private _message: string;
  /** True while "Delete my data" asks for confirmation. */
  declare private _confirming: boolean;
  /** What the live region outside the dialog says (after a decision closed it). */
  declare private _announcement: string;
  /** Each email list's status for this visitor (from the Worker, then from signups here). */
  declare private _lists: Record<string, ListStatus>;
  /** The lists ticked in the email section (never pre-ticked, R5.1). */
  declare private _picked: Record<string, boolean>;
  /** The email section's own status line. */
  declare private _emailMessage: string;
  /** Turnstile on the signup: "off" until the visitor starts using the form (R6.11). */
  declare private _challenge: ChallengeState | "off";
  /** The rendered Turnstile widget, and its light-DOM container (slotted into the form). */
  private challenge: TurnstileChallenge | undefined;
  private challengeHost: HTMLElement | undefined;

  private opener: Element | null = null;
  private unsubscribe: (() => void) | undefined;
  private busy = false;

  constructor() {
    super();
    this._choices = {};
    this._message = "";
    this._confirming = false;
    this._announcement = "";
    this._lists = {};
    this._picked = {};
    this._emailMessage = "";
    this._challenge = "off";
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
    this._confirming = false;
    this._announcement = "";
    this._picked = {};
    this._emailMessage = "";
    this.unsubscribe?.();
    this.unsubscribe = controller.subscribe(() => this.requestUpdate());
    if (controller.bootstrap.communications.length)
      listStatuses(controller).then(
        (lists) => (this._lists = { ...lists }),
        (err: unknown) => console.warn("assent: could not read the email lists' status", err),
      );
    await this.updateComplete;
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
        ${this.renderCommunications()}
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
        ${record?.token ? this.renderData(s) : nothing}
        <p class="links">
          ${policy ? html`<a part="policy-link" class="link" href=${policy}>${s.policy}</a>` : nothing}
          ${cookiePolicy ? html`<a part="cookie-policy-link" class="link" href=${cookiePolicy}>${s.cookiePolicy}</a>` : nothing}
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

  /**
   * The communications section (marketing email, blog signup) goes here: the email issue fills
   * it. It is a separate record keyed by a verified email address, with its own consent text
   * and double opt-in, and "Accept all" / "Reject all" never change it (R0.2, R5). Nothing
   * until then.
   */
  protected renderCommunications(): TemplateResult | typeof nothing {
    const controller = this.controller;
    const s = this.strings;
    const boot = controller?.bootstrap;
    if (!controller || !s || !boot || boot.communications.length === 0) return nothing;
    return html`
      <section part="communications" class="communications" aria-labelledby="email-heading">
        <h3 id="email-heading">${s.emailHeading}</h3>
        <p class="desc">${s.emailIntro}</p>
        <ul class="lists">
          ${boot.communications.map((list) => {
            const t = boot.texts.communications[list.id];
            const id = `list-${list.id}`;
            const status = this._lists[list.id] ?? "none";
            return html`<li part="list">
              <input
                id=${id}
                type="checkbox"
                part="list-checkbox"
                .checked=${this._picked[list.id] === true}
                aria-describedby=${`${id}-consent ${id}-status`}
                @change=${(e: Event) => {
                  const checked = (e.target as HTMLInputElement).checked;
                  this._picked = { ...this._picked, [list.id]: checked };
                  if (checked) this.startChallenge();
                }}
              />
              <label for=${id} part="label">${t?.title ?? list.id}</label>
              <p class="desc">${t?.description ?? ""}</p>
              <p id=${`${id}-consent`} part="consent-text" class="desc">${t?.consentText ?? ""}</p>
              <p id=${`${id}-status`} part="list-status" class="meta">${s.listStatus[status]}</p>
            </li>`;
          })}
        </ul>
        <form part="signup" class="signup" novalidate @submit=${this.signUp} @focusin=${() => this.startChallenge()}>
          <label for="email-address">${s.emailAddress}</label>
          <input id="email-address" part="email" type="email" name="email" autocomplete="email" required />
          ${boot.turnstile && this._challenge !== "off"
            ? html`<div part="challenge" class="challenge"><slot name="turnstile"></slot></div>`
            : nothing}
          <button type="submit" part="button sign-up">${s.signUp}</button>
        </form>
        <p part="email-status" class="status" role="status">${this._emailMessage}</p>
      </section>
    `;
  }

  /** Signs the address up to the ticked lists; the inbox confirms (double opt-in, R5.2). */
  private async signUp(event: Event): Promise<void> {
    event.preventDefault();
    const controller = this.controller;
    const s = this.strings;
    const boot = controller?.bootstrap;
    if (!controller || !s || !boot) return;
    try {
      const input = this.renderRoot.querySelector<HTMLInputElement>("#email-address");
      const email = input?.value.trim() ?? "";
      const lists = boot.communications.filter((l) => this._picked[l.id]);
      if (lists.length === 0) return void (this._emailMessage = s.chooseList);
      if (!input?.checkValidity() || !email) return void (this._emailMessage = s.invalidEmail);
      // Turnstile, when the site protects its signup: a solved challenge first (R6.11).
      const challenge = boot.turnstile ? this.challenge : undefined;
      if (boot.turnstile && (!challenge || this._challenge === "error")) {
        this._emailMessage = s.challengeNeeded;
        return this.startChallenge(true);
      }
      if (challenge && !challenge.current) return void (this._emailMessage = s.challengeNeeded);
      // Lists with different wording versions are separate consents: one request each (and, with
      // Turnstile, one single-use token each: the widget is reset after every attempt).
      let first = true;
      for (const version of new Set(lists.map((l) => l.textVersion))) {
        const token = challenge ? await challenge.take(first ? 0 : 30_000) : undefined;
        first = false;
        await subscribe(controller, email, lists.filter((l) => l.textVersion === version).map((l) => l.id), version, token);
      }
      const pending = Object.fromEntries(lists.map((l) => [l.id, this._lists[l.id] === "confirmed" ? "confirmed" : "pending"])) as Record<string, ListStatus>;
      this._lists = { ...this._lists, ...pending };
      this._picked = {};
      this._emailMessage = s.checkInbox(email);
    } catch (err) {
      console.warn("assent: signup failed", err);
      const code = (err as { code?: unknown }).code;
      this._emailMessage =
        err instanceof ChallengeError
          ? s.challengeNeeded
          : code === "turnstile_failed" || code === "turnstile_required"
            ? s.challengeFailed
            : code === "turnstile_unavailable"
              ? s.challengeUnavailable
              : s.failed;
    }
  }

  /**
   * Renders Turnstile when the site protects its signup, the first time the visitor uses the
   * signup form (focus in it, a list ticked): never before, and never for cookie choices.
   * Cloudflare's script is loaded then. The widget goes into a light-DOM child of this element,
   * slotted into the form, because Turnstile cannot render inside a shadow root. `retry` renders
   * it again after a failure.
   */
  private startChallenge(retry = false): void {
    const settings = this.controller?.bootstrap?.turnstile;
    if (!settings || (this.challenge && !(retry && this._challenge === "error"))) return;
    this.challenge?.remove();
    const host = (this.challengeHost ??= document.createElement("div"));
    host.slot = "turnstile";
    host.replaceChildren();
    if (host.parentNode !== this) this.append(host);
    const challenge = new TurnstileChallenge(settings, (state) => {
      if (this.challenge !== challenge) return;
      this._challenge = state;
      const s = this.strings;
      if (state === "error") this._emailMessage = s?.challengeUnavailable ?? "";
      else if (state === "solved" && (this._emailMessage === s?.challengeUnavailable || this._emailMessage === s?.challengeNeeded))
        this._emailMessage = "";
    });
    this.challenge = challenge;
    this._challenge = "loading";
    // Rendered once the slot is in the form (the container is not shown before). Turnstile picks
    // its language from the browser ("auto").
    void this.updateComplete
      .then(() => (this.challenge === challenge ? challenge.mount(host) : undefined))
      .catch((err: unknown) => console.warn("assent: Turnstile could not be loaded", err));
  }

  /** Removes the Turnstile widget (the dialog closed); the next use of the form renders it again. */
  private stopChallenge(): void {
    this.challenge?.remove();
    this.challenge = undefined;
    this.challengeHost?.remove();
    this._challenge = "off";
  }

  /** Download and delete, for a visitor the Worker knows (a token exists). */
  private renderData(s: UiStrings): TemplateResult {
    return html`
      <div part="data" class="data">
        <h3>${s.yourData}</h3>
        ${this._confirming
          ? html`<p part="confirm">${s.deleteConfirm}</p>
              <div class="actions">
                <button type="button" part="button confirm-delete" class="secondary" @click=${this.confirmDelete}>${s.deleteYes}</button>
                <button type="button" part="button cancel" class="secondary" @click=${this.cancelDelete}>${s.cancel}</button>
              </div>`
          : html`<div class="actions">
              <button type="button" part="button download" class="secondary" @click=${this.download}>${s.download}</button>
              <button type="button" part="button delete" class="secondary" @click=${this.askDelete}>${s.deleteData}</button>
            </div>`}
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

  private async download(): Promise<void> {
    if (this.busy || !this.controller) return;
    this.busy = true;
    try {
      await exportData(this.controller);
    } catch (err) {
      console.warn("assent: export failed", err);
      void this.announce(this.strings?.failed ?? "");
    } finally {
      this.busy = false;
    }
  }

  private async askDelete(): Promise<void> {
    this._confirming = true;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>("[part~='cancel']")?.focus();
  }

  private async cancelDelete(): Promise<void> {
    this._confirming = false;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>("[part~='delete']")?.focus();
  }

  private async confirmDelete(): Promise<void> {
    const controller = this.controller;
    if (this.busy || !controller) return;
    this.busy = true;
    try {
      await deleteData(controller);
      this._confirming = false;
      this._choices = controller.effectiveCategories();
      await this.announce(this.strings?.deleted ?? "");
      // The data section is gone with the token: keep focus in the dialog.
      this.renderRoot.querySelector<HTMLElement>("h2")?.focus();
    } catch (err) {
      console.warn("assent: deletion failed", err);
      void this.announce(this.strings?.failed ?? "");
    } finally {
      this.busy = false;
    }
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
    const focusable = [...this.renderRoot.querySelectorAll<HTMLElement>("button, input:not(:disabled), a[href], summary")].filter(
      (el) => el.getClientRects().length > 0,
    );
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    const active = (this.renderRoot as ShadowRoot).activeElement;
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
    this.stopChallenge();
    this._confirming = false;
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
