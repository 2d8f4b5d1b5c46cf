/**
 * `<console-site-members>`: who has which role on a site. An owner adds people, changes roles
 * and removes people; a viewer sees the list. The Worker refuses what the role does not allow
 * and never leaves a site without an owner; its answer is shown next to the form.
 *
 * Properties: `site` ({ id, name, role }), `me` (who is signed in).
 * Events: `members-changed` (the person's own roles may have changed: the app reloads them).
 */
import { LitElement, html, nothing } from "lit";
import type { ConsoleMe, ConsoleMember, ConsoleRole } from "../../worker/contract";
import { ConsoleApiError, api } from "../api";
import { shared } from "../styles";

/** The roles, highest first. */
const ROLES: readonly ConsoleRole[] = ["owner", "compliance", "viewer"];
/** A role with its article, as a sentence says it. */
const roleName = (role: ConsoleRole) => (role === "owner" ? "an owner" : role === "compliance" ? "a compliance member" : "a viewer");

export class ConsoleSiteMembers extends LitElement {
  static override styles = [shared];
  static override properties = {
    site: { attribute: false },
    me: { attribute: false },
    members: { state: true },
    status: { state: true },
    formError: { state: true },
    busy: { state: true },
  };
  declare site: ConsoleMe["sites"][number];
  declare me: ConsoleMe;
  declare members: ConsoleMember[] | null;
  declare status: string;
  declare formError: { field: "email" | "role" | "form"; message: string } | null;
  declare busy: boolean;

  constructor() {
    super();
    this.members = null;
    this.status = "";
    this.formError = null;
    this.busy = false;
  }

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has("site")) void this.load();
  }

  private async load(): Promise<void> {
    try {
      this.members = (await api<{ members: ConsoleMember[] }>(`/sites/${this.site.id}/members`)).members;
    } catch (err) {
      this.status = err instanceof Error ? err.message : String(err);
    }
  }

  private async put(email: string, role: ConsoleRole): Promise<boolean> {
    this.busy = true;
    this.formError = null;
    try {
      const r = await api<{ changed: boolean }>(`/sites/${this.site.id}/members/${encodeURIComponent(email)}`, { method: "PUT", body: { role } });
      this.status = r.changed ? `${email} is now ${roleName(role)}.` : `${email} was ${roleName(role)} already.`;
      await this.load();
      this.dispatchEvent(new CustomEvent("members-changed", { bubbles: true, composed: true }));
      return true;
    } catch (err) {
      const problem = err instanceof ConsoleApiError ? err.problem : null;
      const message = problem ? `${problem.title}: ${problem.detail}` : String(err);
      const field = problem?.code === "invalid_path" ? "email" : problem?.code === "invalid_body" ? "role" : "form";
      this.formError = { field, message };
      this.status = message;
      return false;
    } finally {
      this.busy = false;
    }
  }

  private async removeMember(email: string): Promise<void> {
    this.busy = true;
    try {
      await api(`/sites/${this.site.id}/members/${encodeURIComponent(email)}`, { method: "DELETE" });
      this.status = `${email} was removed.`;
      await this.load();
      this.dispatchEvent(new CustomEvent("members-changed", { bubbles: true, composed: true }));
    } catch (err) {
      this.status = err instanceof ConsoleApiError ? `${err.problem.title}: ${err.problem.detail}` : String(err);
    } finally {
      this.busy = false;
    }
  }

  private async onAdd(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const role = ROLES.find((r) => r === data.get("role")) ?? "viewer";
    const ok = await this.put(String(data.get("email") ?? "").trim(), role);
    if (ok) form.reset();
  }

  private error(field: "email" | "role" | "form") {
    return this.formError?.field === field ? html`<p class="error" id="${field}-error">${this.formError.message}</p>` : nothing;
  }

  override render() {
    const owner = this.site.role === "owner";
    const name = this.site.name ?? this.site.id;
    return html`
      <h1 tabindex="-1">Members of ${name}</h1>
      <p class="muted">Owners change the site's configuration, keys, webhooks and members; compliance members answer privacy rights requests; viewers look (rights requests excepted). Your role: ${this.site.role}.</p>
      <p role="status" aria-live="polite">${this.status}</p>
      ${this.members === null
        ? html`<p>Loading…</p>`
        : html`<div class="table-wrap" tabindex="0" role="region" aria-label="Members">
            <table>
              <caption class="muted">${this.members.length === 1 ? "1 member" : `${this.members.length} members`}</caption>
              <thead><tr><th scope="col">Email</th><th scope="col">Role</th><th scope="col">Added</th>${owner ? html`<th scope="col">Change</th>` : nothing}</tr></thead>
              <tbody>
                ${this.members.map(
                  (m) => html`<tr>
                    <th scope="row"><code>${m.email}</code>${m.email === this.me.email ? html` <span class="muted">(you)</span>` : nothing}</th>
                    <td>${m.role}</td>
                    <td><time datetime=${m.addedAt}>${m.addedAt.slice(0, 10)}</time> <span class="muted">by ${m.addedBy}</span></td>
                    ${owner
                      ? html`<td><div class="row">
                          ${ROLES.filter((r) => r !== m.role).map(
                            (r) => html`<button class="secondary" ?disabled=${this.busy} aria-label="Make ${m.email} ${roleName(r)}"
                              @click=${() => void this.put(m.email, r)}>Make ${r}</button>`,
                          )}
                          <button class="danger" ?disabled=${this.busy} aria-label="Remove ${m.email}" @click=${() => void this.removeMember(m.email)}>Remove</button>
                        </div></td>`
                      : nothing}
                  </tr>`,
                )}
              </tbody>
            </table>
          </div>`}
      ${owner
        ? html`<h2>Add a member</h2>
            <form @submit=${(e: SubmitEvent) => void this.onAdd(e)} novalidate>
              <div class="row">
                <div class="field">
                  <label for="email">Email address</label>
                  <input id="email" name="email" type="email" autocomplete="off" required maxlength="254"
                    aria-invalid=${this.formError?.field === "email" ? "true" : "false"} aria-describedby=${this.formError?.field === "email" ? "email-error" : nothing}>
                </div>
                <div class="field">
                  <label for="role">Role</label>
                  <select id="role" name="role">${ROLES.slice().reverse().map((r) => html`<option value=${r}>${r}</option>`)}</select>
                </div>
                <button type="submit" ?disabled=${this.busy}>Add</button>
              </div>
              ${this.error("email")}${this.error("role")}${this.error("form")}
            </form>`
        : nothing}
    `;
  }
}

customElements.define("console-site-members", ConsoleSiteMembers);
