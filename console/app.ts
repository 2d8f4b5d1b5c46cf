/**
 * `<assent-console>`: the site owner's console, a Lit app served at /console by the Worker
 * (worker/console/pages.ts) for a signed-in person only. It loads who is signed in, then shows
 * the page the URL's hash names (./router.ts): the sites (and a new one), a site's
 * configuration, its versions, what its visitors chose, its proof ledger, its email lists, its privacy requests, its compliance scans, its API keys and webhooks, its members and its
 * audit log, the person's account. Its code never reaches a visitor's page: it is built on its own
 * (scripts/build-console.ts) and only /console loads it.
 *
 * Parts of the page: the header with the navigation (two links, so no skip link: a fragment
 * link cannot reach into a shadow root anyway) and the person, `<main>`
 * with one page, whose heading takes the focus after each navigation (so a screen reader
 * announces where the person is), and a live region for what just happened.
 */
import { LitElement, css, html, nothing } from "lit";
import type { ConsoleMe } from "../worker/contract";
import { api } from "./api";
import "./pages/account";
import "./pages/site-audit";
import "./pages/site-config";
import "./pages/site-integrations";
import "./pages/site-ledger";
import "./pages/site-list";
import "./pages/site-lists";
import "./pages/site-members";
import "./pages/site-rights";
import "./pages/site-scans";
import "./pages/site-stats";
import "./pages/site-versions";
import { type Route, href, parseRoute } from "./router";
import { shared } from "./styles";

export class AssentConsole extends LitElement {
  static override styles = [
    shared,
    css`
      header { display: flex; flex-wrap: wrap; gap: 0.5rem 1.5rem; align-items: center; justify-content: space-between; padding: 0.75rem 1rem; border-bottom: 1px solid var(--c-border); background: var(--c-surface); }
      header strong { font-size: 1.1rem; }
      nav ul { display: flex; flex-wrap: wrap; gap: 1rem; list-style: none; margin: 0; padding: 0; }
      nav a[aria-current="page"] { font-weight: 700; }
      main { max-width: 60rem; margin: 0 auto; padding: 1rem; }
    `,
  ];

  static override properties = {
    me: { state: true },
    route: { state: true },
    failure: { state: true },
  };

  declare me: ConsoleMe | null;
  declare route: Route;
  declare failure: string | null;

  constructor() {
    super();
    this.me = null;
    this.route = parseRoute(location.hash);
    this.failure = null;
  }

  private readonly onHash = () => {
    this.route = parseRoute(location.hash);
    void this.updateComplete.then(() => this.focusHeading());
  };

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener("hashchange", this.onHash);
    void this.load();
  }

  override disconnectedCallback(): void {
    window.removeEventListener("hashchange", this.onHash);
    super.disconnectedCallback();
  }

  /** (Re)loads who is signed in and their sites (after a change to members, too). */
  async load(): Promise<void> {
    try {
      this.me = await api<ConsoleMe>("/me");
      this.failure = null;
    } catch (err) {
      this.failure = err instanceof Error ? err.message : String(err);
    }
  }

  /** Moves the focus to the shown page's heading (after a navigation, not on first load). */
  private focusHeading(): void {
    const page = this.renderRoot.querySelector("main > *");
    const heading = (page?.shadowRoot ?? page)?.querySelector?.("h1");
    if (heading instanceof HTMLElement) heading.focus();
  }

  private link(route: Route, label: string) {
    const current = href(route) === href(this.route) || (route.page === "sites" && this.route.page !== "account");
    return html`<a href=${href(route)} aria-current=${current ? "page" : nothing}>${label}</a>`;
  }

  private page() {
    const me = this.me!;
    const r = this.route;
    const site = "siteId" in r ? me.sites.find((s) => s.id === r.siteId) : undefined;
    switch (r.page) {
      case "sites":
        return html`<console-site-list .sites=${me.sites} @site-created=${() => void this.load()}></console-site-list>`;
      case "account":
        return html`<console-account .me=${me}></console-account>`;
      case "members":
        return site
          ? html`<console-site-members .site=${site} .me=${me} @members-changed=${() => void this.load()}></console-site-members>`
          : this.notFound();
      case "audit":
        return site ? html`<console-site-audit .site=${site}></console-site-audit>` : this.notFound();
      case "config":
        return site ? html`<console-site-config .site=${site} @config-published=${() => void this.load()}></console-site-config>` : this.notFound();
      case "integrations":
        return site ? html`<console-site-integrations .site=${site}></console-site-integrations>` : this.notFound();
      case "stats":
        return site ? html`<console-site-stats .site=${site}></console-site-stats>` : this.notFound();
      case "lists":
        return site ? html`<console-site-lists .site=${site}></console-site-lists>` : this.notFound();
      case "rights":
        return site ? html`<console-site-rights .site=${site}></console-site-rights>` : this.notFound();
      case "scans":
        return site ? html`<console-site-scans .site=${site}></console-site-scans>` : this.notFound();
      case "ledger":
        return site ? html`<console-site-ledger .site=${site}></console-site-ledger>` : this.notFound();
      case "versions":
        return site ? html`<console-site-versions .site=${site} @config-published=${() => void this.load()}></console-site-versions>` : this.notFound();
      default:
        return this.notFound();
    }
  }

  private notFound() {
    return html`<section><h1 tabindex="-1">Not found</h1><p>There is no such page, or no site with this id that you have a role on.</p><p><a href="#/">All your sites</a></p></section>`;
  }

  override render() {
    if (this.failure) return html`<main><h1>The console could not load</h1><p class="error" role="alert">${this.failure}</p></main>`;
    if (!this.me) return html`<main><p role="status">Loading…</p></main>`;
    return html`
      <header>
        <strong>Assent console</strong>
        <nav aria-label="Console">
          <ul>
            <li>${this.link({ page: "sites" }, "Sites")}</li>
            <li>${this.link({ page: "account" }, "Account")}</li>
          </ul>
        </nav>
        <span class="muted">${this.me.email}</span>
      </header>
      <main>${this.page()}</main>
    `;
  }
}

customElements.define("assent-console", AssentConsole);

declare global {
  interface HTMLElementTagNameMap {
    "assent-console": AssentConsole;
  }
}
