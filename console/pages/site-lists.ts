/**
 * `<console-site-lists>`: the site's email lists: how many addresses are confirmed,
 * unsubscribed, pending and suppressed on each; for owners, looking up one address (what Assent
 * holds about it) and downloading a list's confirmed subscribers as CSV.
 *
 * Properties: `site` ({ id, name, role }).
 */
import { LitElement, html, nothing } from "lit";
import type { ConsoleMe } from "../../worker/contract";
import { ConsoleApiError, api } from "../api";
import { shared } from "../styles";

interface List {
  id: string;
  kind: string;
  title: string;
  confirmed: number;
  unsubscribed: number;
  pending: number;
  suppressed: number;
}

export class ConsoleSiteLists extends LitElement {
  static override styles = [shared];
  static override properties = { site: { attribute: false }, lists: { state: true }, found: { state: true }, status: { state: true } };
  declare site: ConsoleMe["sites"][number];
  declare lists: List[] | null;
  declare found: { email: string; known: boolean; statuses: Record<string, string>; linkedBrowsers: number } | null;
  declare status: string;

  constructor() {
    super();
    this.lists = null;
    this.found = null;
    this.status = "";
  }

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has("site"))
      api<{ lists: List[] }>(`/sites/${this.site.id}/lists`).then(
        (r) => (this.lists = r.lists),
        (err: unknown) => (this.status = String(err)),
      );
  }

  private async lookup(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const email = String(new FormData(event.target as HTMLFormElement).get("email") ?? "").trim();
    try {
      this.found = { email, ...(await api<{ known: boolean; statuses: Record<string, string>; linkedBrowsers: number }>(`/sites/${this.site.id}/lists/lookup`, { method: "POST", body: { email } })) };
      this.status = this.found.known ? `${email} is on record.` : `Nothing is on record about ${email}.`;
    } catch (err) {
      this.found = null;
      this.status = err instanceof ConsoleApiError ? `${err.problem.title}: ${err.problem.detail}` : String(err);
    }
  }

  override render() {
    const owner = this.site.role === "owner";
    return html`<h1 tabindex="-1">Email lists of ${this.site.name ?? this.site.id}</h1>
      <p role="status" aria-live="polite">${this.status}</p>
      ${this.lists === null
        ? html`<p>Loading…</p>`
        : this.lists.length === 0
          ? html`<p>This site has no email lists.</p>`
          : html`<div class="table-wrap" tabindex="0" role="region" aria-label="Email lists"><table>
              <thead><tr><th scope="col">List</th><th scope="col">Confirmed</th><th scope="col">Pending</th><th scope="col">Unsubscribed</th><th scope="col">Suppressed</th>${owner ? html`<th scope="col">Export</th>` : nothing}</tr></thead>
              <tbody>${this.lists.map(
                (l) => html`<tr><th scope="row">${l.title} <span class="muted">(<code>${l.id}</code>, ${l.kind})</span></th>
                  <td>${l.confirmed}</td><td>${l.pending}</td><td>${l.unsubscribed}</td><td>${l.suppressed}</td>
                  ${owner ? html`<td><a href="/console/api/sites/${this.site.id}/lists/${l.id}/export" download aria-label="Download the confirmed subscribers of ${l.title}">Confirmed subscribers (CSV)</a></td>` : nothing}</tr>`,
              )}</tbody></table></div>
            <p class="muted">Pending: asked, not confirmed yet. Suppressed: objected; never mailed on that list again unless they confirm afresh.</p>`}
      ${owner
        ? html`<h2>Look up an address</h2>
            <form class="row" @submit=${(e: SubmitEvent) => void this.lookup(e)}>
              <div class="field"><label for="lookup-email">Email address</label><input id="lookup-email" name="email" type="email" required maxlength="254"></div>
              <button type="submit">Look up</button>
            </form>
            ${this.found && this.found.known
              ? html`<ul>${Object.entries(this.found.statuses).map(([list, status]) => html`<li><code>${list}</code>: ${status}</li>`)}
                  <li>${this.found.linkedBrowsers} browser${this.found.linkedBrowsers === 1 ? "" : "s"} linked by a confirmation</li></ul>`
              : nothing}`
        : nothing}`;
  }
}

customElements.define("console-site-lists", ConsoleSiteLists);
