/**
 * `<assent-email-signup>`: the preference center's email section (marketing email, blog
 * signup). A separate record keyed by a verified email address, with its own consent text and
 * double opt-in; "Accept all" and "Reject all" never change it (R0.2, R5). Lists are never
 * pre-ticked (R5.1); each shows this visitor's status.
 *
 * When the site protects its signup with Turnstile, the challenge is rendered the first time
 * the visitor uses the form (focus in it, a list ticked), never before (R6.11). Turnstile cannot
 * render inside a shadow root, so its container is a light-DOM child of `<assent-preferences>`
 * (`slot="turnstile"`), forwarded through the dialog's slot into this element's form.
 *
 * @csspart communications - The section.
 * @csspart list - One email list; `list-checkbox`, `label`, `consent-text` and `list-status` inside.
 * @csspart signup - The signup form; `email` is its address field, `sign-up` its button.
 * @csspart email-status - The section's live status line.
 * @csspart challenge - Where the Turnstile widget shows.
 * @csspart button - The sign-up button.
 *
 * @slot turnstile - The Turnstile container (forwarded by `<assent-preferences>`).
 *
 * @property controller - The widget's controller.
 * @property strings - The preference center's strings.
 */
import { LitElement, html, nothing } from "lit";
import type { Controller } from "../../core/controller";
import type { UiStrings } from "../i18n/index";
import { themeStyles } from "../theme";
import { applyTheme } from "../theme";
import { emailStyles, sectionStyles } from "./preferences.styles";
import { type ListStatus, listStatuses, subscribe } from "./subscriptions";
import { type ChallengeState, ChallengeError, TurnstileChallenge } from "./turnstile";

export class AssentEmailSignup extends LitElement {
  static override properties = {
    controller: { attribute: false },
    strings: { attribute: false },
    _lists: { state: true },
    _picked: { state: true },
    _message: { state: true },
    _challenge: { state: true },
  };

  static override styles = [themeStyles, sectionStyles, emailStyles];

  declare controller: Controller | undefined;
  declare strings: UiStrings | undefined;
  /** Each email list's status for this visitor (from the Worker, then from signups here). */
  declare private _lists: Record<string, ListStatus>;
  /** The lists ticked (never pre-ticked, R5.1). */
  declare private _picked: Record<string, boolean>;
  /** The section's own status line. */
  declare private _message: string;
  /** The message the Turnstile challenge's own state put up (cleared when it is solved). */
  private challengeSaid = "";
  /** Turnstile on the signup: "off" until the visitor starts using the form (R6.11). */
  declare private _challenge: ChallengeState | "off";
  /** The rendered Turnstile widget, and its light-DOM container (slotted into the form). */
  private challenge: TurnstileChallenge | undefined;
  private challengeHost: HTMLElement | undefined;

  constructor() {
    super();
    this._lists = {};
    this._picked = {};
    this._message = "";
    this._challenge = "off";
  }

  /** The dialog opened: nothing ticked, no message, and each list's status from the Worker. */
  reset(): void {
    this._picked = {};
    this._message = "";
    if (this.controller)
      listStatuses(this.controller).then(
        (lists) => (this._lists = { ...lists }),
        (err: unknown) => console.warn("assent: could not read the email lists' status", err),
      );
  }

  /** The dialog closed: the Turnstile widget goes; the next use of the form renders it again. */
  stop(): void {
    this.challenge?.remove();
    this.challenge = undefined;
    this.challengeHost?.remove();
    this._challenge = "off";
  }

  override willUpdate(): void {
    if (this.controller) applyTheme(this, this.controller);
  }

  override render() {
    const s = this.strings;
    const boot = this.controller?.bootstrap;
    if (!s || !boot) return nothing;
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
        <p part="email-status" class="status" role="status">${this._message}</p>
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
      if (lists.length === 0) return void (this._message = s.chooseList);
      if (!input?.checkValidity() || !email) return void (this._message = s.invalidEmail);
      // Turnstile, when the site protects its signup: a solved challenge first (R6.11).
      const challenge = boot.turnstile ? this.challenge : undefined;
      if (boot.turnstile && (!challenge || this._challenge === "error")) {
        this._message = s.challengeNeeded;
        return this.startChallenge(true);
      }
      if (challenge && !challenge.current) return void (this._message = s.challengeNeeded);
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
      this._message = s.checkInbox(email);
    } catch (err) {
      console.warn("assent: signup failed", err);
      this.challengeSaid = "";
      const code = (err as { code?: unknown }).code;
      this._message =
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
    // A light-DOM child of <assent-preferences> (this element lives in its shadow root).
    const owner = (this.getRootNode() as ShadowRoot).host ?? this;
    if (host.parentNode !== owner) owner.append(host);
    const challenge = new TurnstileChallenge(settings, (state) => {
      if (this.challenge !== challenge) return;
      this._challenge = state;
      const s = this.strings;
      if (state === "error") this._message = this.challengeSaid = s?.challengeUnavailable ?? "";
      // A new token clears only what the challenge itself said: never the Worker's answer to the
      // last attempt (the widget is reset after every attempt, and its next token can arrive
      // just after that answer is shown).
      else if (state === "solved" && this._message !== "" && (this._message === this.challengeSaid || this._message === s?.challengeNeeded))
        this._message = this.challengeSaid = "";
    });
    this.challenge = challenge;
    this._challenge = "loading";
    // Rendered once the slot is in the form (the container is not shown before). Turnstile picks
    // its language from the browser ("auto").
    void this.updateComplete
      .then(() => (this.challenge === challenge ? challenge.mount(host) : undefined))
      .catch((err: unknown) => console.warn("assent: Turnstile could not be loaded", err));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "assent-email-signup": AssentEmailSignup;
  }
}
