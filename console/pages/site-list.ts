/**
 * `<console-site-list>`: the sites the person has a role on, with their role and the way to
 * each site's members and audit log.
 *
 * Properties: `sites` (from GET /console/api/me).
 */
import { LitElement, html } from "lit";
import type { ConsoleMe } from "../../worker/contract";
import { shared } from "../styles";

export class ConsoleSiteList extends LitElement {
  static override styles = [shared];
  static override properties = { sites: { attribute: false } };
  declare sites: ConsoleMe["sites"];

  constructor() {
    super();
    this.sites = [];
  }

  override render() {
    return html`
      <h1 tabindex="-1">Your sites</h1>
      ${this.sites.length === 0
        ? html`<p>You have no role on any site yet. An owner of a site can add you on its Members page, or an operator with <code>npm run sites -- console-grant &lt;siteId&gt; &lt;email&gt; owner</code>.</p>`
        : html`<div class="table-wrap" tabindex="0" role="region" aria-label="Your sites">
            <table>
              <caption class="muted">${this.sites.length === 1 ? "1 site" : `${this.sites.length} sites`}</caption>
              <thead><tr><th scope="col">Site</th><th scope="col">Your role</th><th scope="col">Pages</th></tr></thead>
              <tbody>
                ${this.sites.map(
                  (s) => html`<tr>
                    <th scope="row">${s.name ?? s.id} <span class="muted">(<code>${s.id}</code>)</span></th>
                    <td>${s.role}</td>
                    <td><a href="#/sites/${s.id}/members" aria-label="Members of ${s.name ?? s.id}">Members</a> · <a href="#/sites/${s.id}/audit" aria-label="Audit log of ${s.name ?? s.id}">Audit log</a></td>
                  </tr>`,
                )}
              </tbody>
            </table>
          </div>`}
    `;
  }
}

customElements.define("console-site-list", ConsoleSiteList);
