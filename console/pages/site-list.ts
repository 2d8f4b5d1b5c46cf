/**
 * `<console-site-list>`: the sites the person has a role on, with their role and the way to
 * each site's pages; and a form that creates a site from the template (the demo site's
 * configuration, with the new id, name and origin), its creator its owner.
 *
 * Properties: `sites` (from GET /console/api/me).
 * Events: `site-created` (the app reloads the person's sites).
 */
import { LitElement, html, nothing } from "lit";
import type { ConsoleMe } from "../../worker/contract";
import { ConsoleApiError, api } from "../api";
import { shared } from "../styles";

const PAGES = [
  ["config", "Configuration"],
  ["versions", "Versions"],
  ["stats", "What visitors chose"],
  ["ledger", "Proof ledger"],
  ["lists", "Email lists"],
  ["rights", "Privacy requests"],
  ["scans", "Compliance scans"],
  ["integrations", "API keys and webhooks"],
  ["members", "Members"],
  ["audit", "Audit log"],
] as const;

export class ConsoleSiteList extends LitElement {
  static override styles = [shared];
  static override properties = { sites: { attribute: false }, status: { state: true }, errors: { state: true }, busy: { state: true } };
  declare sites: ConsoleMe["sites"];
  declare status: string;
  declare errors: Record<string, string>;
  declare busy: boolean;

  constructor() {
    super();
    this.sites = [];
    this.status = "";
    this.errors = {};
    this.busy = false;
  }

  private async create(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = Object.fromEntries(new FormData(form)) as Record<string, string>;
    this.busy = true;
    this.errors = {};
    try {
      await api("/sites", { method: "POST", body: { id: data.id?.trim(), name: data.name?.trim(), origin: data.origin?.trim() } });
      this.status = `Created the site “${data.id}”. You are its owner; its configuration starts as a copy of the demo site's.`;
      form.reset();
      this.dispatchEvent(new CustomEvent("site-created", { bubbles: true, composed: true }));
    } catch (err) {
      if (err instanceof ConsoleApiError) {
        for (const e of err.problem.errors ?? []) this.errors = { ...this.errors, [e.path]: e.message };
        if (err.problem.code === "site_exists") this.errors = { id: err.problem.detail };
        this.status = `${err.problem.title}: ${err.problem.detail}`;
      } else this.status = String(err);
    } finally {
      this.busy = false;
    }
  }

  private input(name: string, label: string, type: string, help: string) {
    const error = this.errors[name];
    return html`<div class="field"><label for="new-${name}">${label}</label>
      <input id="new-${name}" name=${name} type=${type} required aria-invalid=${error ? "true" : "false"} aria-describedby="new-${name}-help${error ? ` new-${name}-error` : ""}">
      <p class="muted" id="new-${name}-help">${help}</p>${error ? html`<p class="error" id="new-${name}-error">${error}</p>` : nothing}</div>`;
  }

  override render() {
    return html`
      <h1 tabindex="-1">Your sites</h1>
      <p role="status" aria-live="polite">${this.status}</p>
      ${this.sites.length === 0
        ? html`<p>You have no role on any site yet. An owner of a site can add you on its Members page; or create a site below.</p>`
        : html`<div class="table-wrap" tabindex="0" role="region" aria-label="Your sites">
            <table>
              <caption class="muted">${this.sites.length === 1 ? "1 site" : `${this.sites.length} sites`}</caption>
              <thead><tr><th scope="col">Site</th><th scope="col">Your role</th><th scope="col">Pages</th></tr></thead>
              <tbody>
                ${this.sites.map((s) => {
                  const name = s.name ?? s.id;
                  return html`<tr>
                    <th scope="row">${name} <span class="muted">(<code>${s.id}</code>)</span></th>
                    <td>${s.role}</td>
                    <td>${PAGES.filter(([page]) => page !== "rights" || s.role !== "viewer").map(
                      ([page, label], i) => html`${i ? " · " : ""}<a href="#/sites/${s.id}/${page}" aria-label="${label} of ${name}">${label}</a>`,
                    )}</td>
                  </tr>`;
                })}
              </tbody>
            </table>
          </div>`}
      <h2>Create a site</h2>
      <form @submit=${(e: SubmitEvent) => void this.create(e)} novalidate>
        ${this.input("id", "Site id", "text", "Lowercase letters, digits and dashes; it goes into the script tag as data-site.")}
        ${this.input("name", "Name", "text", "How visitors and emails name the site.")}
        ${this.input("origin", "Website address", "url", "The origin the banner will run on, such as https://www.example.com.")}
        <button type="submit" ?disabled=${this.busy}>Create the site</button>
      </form>
    `;
  }
}

customElements.define("console-site-list", ConsoleSiteList);
