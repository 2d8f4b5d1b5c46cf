/**
 * `<console-account>`: who is signed in and how, their recent sign-ins and sign-outs, and the
 * two ways out: sign out (this browser) and sign out everywhere (every session of theirs).
 * Sign-out is a plain form POST to /console/sign-out, which revokes the session on the Worker.
 *
 * Properties: `me` (who is signed in).
 */
import { LitElement, html, nothing } from "lit";
import type { ConsoleAuditEntry, ConsoleMe } from "../../worker/contract";
import { api } from "../api";
import { shared } from "../styles";

const WORDS: Record<string, string> = {
  "session.sign_in": "signed in with a link",
  "session.sign_out": "signed out",
  "session.sign_out_everywhere": "signed out everywhere",
};

export class ConsoleAccount extends LitElement {
  static override styles = [shared];
  static override properties = { me: { attribute: false }, activity: { state: true } };
  declare me: ConsoleMe;
  declare activity: ConsoleAuditEntry[] | null;

  constructor() {
    super();
    this.activity = null;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    api<{ entries: ConsoleAuditEntry[] }>("/me/activity").then(
      (r) => (this.activity = r.entries),
      () => (this.activity = []),
    );
  }

  override render() {
    const me = this.me;
    return html`
      <h1 tabindex="-1">Your account</h1>
      <p>Signed in as <code>${me.email}</code>
        ${me.via === "access" ? "through Cloudflare Access." : html`with a one-time link, until <time datetime=${me.sessionExpiresAt ?? ""}>${me.sessionExpiresAt?.replace("T", " ").slice(0, 16)} UTC</time>.`}</p>
      ${me.via === "link"
        ? html`<div class="row">
            <form method="post" action="/console/sign-out"><button type="submit">Sign out</button></form>
            <form method="post" action="/console/sign-out"><input type="hidden" name="everywhere" value="1"><button class="secondary" type="submit">Sign out everywhere</button></form>
          </div>`
        : html`<p class="muted">Cloudflare Access decides how long you stay signed in.</p>`}
      <h2>Recent sign-ins</h2>
      ${this.activity === null
        ? html`<p role="status">Loading…</p>`
        : this.activity.length === 0
          ? html`<p>None recorded.</p>`
          : html`<ul>${this.activity.map((e) => html`<li><time datetime=${e.at}>${e.at.replace("T", " ").slice(0, 19)}</time> ${WORDS[e.action] ?? e.action}</li>`)}</ul>`}
      ${nothing}
    `;
  }
}

customElements.define("console-account", ConsoleAccount);
