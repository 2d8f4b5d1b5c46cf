/**
 * `<console-site-rights>`: the site's privacy rights requests (R9.5, R9.6), for owners and
 * compliance members: the queue, filtered by type, status and due date, with the days left on
 * each; one request opened with what it asks, its deadlines and its history; and what the
 * member does with it — start, extend (the requester is told why and until when), complete
 * with a note, or deny with a stated basis (the requester is told it); and the whole request
 * log as CSV.
 *
 * Properties: `site` ({ id, name, role }).
 */
import { LitElement, css, html, nothing } from "lit";
import type { ConsoleMe, RightsRequest, RightsRequestList, RightsRequestStatus, RightsRequestType } from "../../worker/contract";
import { ConsoleApiError, api } from "../api";
import { shared } from "../styles";

const TYPES: Record<RightsRequestType, string> = {
  access: "Access (right to know)",
  deletion: "Deletion",
  correction: "Correction",
  opt_out: "Opt-out of sale/sharing",
  shine_the_light: "Shine the Light",
  minor_content_removal: "Minor's content removal",
  child_data_deletion: "Child's data deletion",
};

const STATUSES: Record<RightsRequestStatus, string> = {
  awaiting_verification: "awaiting verification",
  open: "open",
  in_progress: "in progress",
  completed: "completed",
  denied: "denied",
  not_verified: "not verified",
};

/** What a history entry means, in words. */
const KINDS: Record<string, string> = {
  received: "received",
  verified: "address verified by the requester",
  owner_notified: "privacy contact emailed",
  download_ready: "download link sent to the requester",
  erased: "Assent erased what it held",
  new_address_sent: "confirmation link sent to the new address",
  new_address_confirmed: "new address confirmed",
  address_corrected: "subscriptions moved to the new address",
  in_progress: "started",
  extended: "extended",
  completed: "completed",
  denied: "denied",
  not_verified: "closed: never verified",
  reminded: "due-date reminder",
  overdue: "flagged overdue",
  requester_notified: "requester emailed",
  requester_notice_failed: "the email to the requester failed",
};

/** The form's fields a request keeps while open, in words. */
const DETAILS: Record<string, string> = {
  correction: "What is wrong",
  newEmail: "New address",
  contentLocation: "Where the content is",
  californiaResident: "States California residence",
  parentOrGuardian: "States being the parent or guardian",
  details: "Details",
};

interface Filters {
  type: string;
  status: string;
  due: string;
}

/** The due column: the date, and days left or overdue. */
function due(r: RightsRequest) {
  const date = r.extendedTo ?? r.dueBy;
  if (r.daysLeft === null) return html`<time datetime=${date}>${date}</time>`;
  return html`<time datetime=${date}>${date}</time>
    ${r.overdue ? html`<strong class="overdue">overdue by ${-r.daysLeft} d</strong>` : html`<span class="muted">${r.daysLeft} d left</span>`}`;
}

export class ConsoleSiteRights extends LitElement {
  static override styles = [
    shared,
    css`
      .overdue { color: var(--c-danger, #b91c1c); }
      dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; }
      dt { font-weight: 600; }
      dd { margin: 0; overflow-wrap: anywhere; }
      section.request { border-top: 1px solid var(--c-border); margin-top: 1.5rem; padding-top: 0.5rem; }
      form.action { margin: 0.75rem 0; }
      textarea { width: 100%; box-sizing: border-box; font: inherit; }
    `,
  ];
  static override properties = {
    site: { attribute: false },
    page: { state: true },
    open: { state: true },
    filters: { state: true },
    status: { state: true },
    busy: { state: true },
  };
  declare site: ConsoleMe["sites"][number];
  declare page: RightsRequestList | null;
  declare open: RightsRequest | null;
  declare filters: Filters;
  declare status: string;
  declare busy: boolean;

  constructor() {
    super();
    this.page = null;
    this.open = null;
    this.filters = { type: "", status: "active", due: "" };
    this.status = "";
    this.busy = false;
  }

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has("site")) {
      this.open = null;
      void this.load(false);
    }
  }

  private query(cursor: string | null): string {
    const q = new URLSearchParams({ status: this.filters.status, limit: "50" });
    if (this.filters.type) q.set("type", this.filters.type);
    if (this.filters.due === "overdue") q.set("due", "overdue");
    else if (this.filters.due) q.set("due", new Date(Date.now() + Number(this.filters.due) * 86_400_000).toISOString().slice(0, 10));
    if (cursor) q.set("cursor", cursor);
    return q.toString();
  }

  /** Loads the first page (or the next one, appended). */
  private async load(more: boolean): Promise<void> {
    try {
      const next = await api<RightsRequestList>(`/sites/${this.site.id}/rights/requests?${this.query(more ? this.page?.next ?? null : null)}`);
      this.page = more && this.page ? { requests: [...this.page.requests, ...next.requests], next: next.next } : next;
    } catch (err) {
      this.status = err instanceof ConsoleApiError ? `${err.problem.title}: ${err.problem.detail}` : String(err);
      this.page = { requests: [], next: null };
    }
  }

  private filter(event: SubmitEvent): void {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    this.filters = { type: String(data.get("type") ?? ""), status: String(data.get("status") ?? "active"), due: String(data.get("due") ?? "") };
    this.page = null;
    void this.load(false).then(() => (this.status = `${this.page?.requests.length ?? 0} requests shown.`));
  }

  private async openRequest(id: string): Promise<void> {
    try {
      this.open = await api<RightsRequest>(`/sites/${this.site.id}/rights/requests/${id}`);
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>("#request-title")?.focus();
    } catch (err) {
      this.status = err instanceof ConsoleApiError ? `${err.problem.title}: ${err.problem.detail}` : String(err);
    }
  }

  private async act(event: SubmitEvent, action: "start" | "extend" | "complete" | "deny"): Promise<void> {
    event.preventDefault();
    if (!this.open) return;
    const data = new FormData(event.target as HTMLFormElement);
    const body: Record<string, string> = {};
    for (const [k, v] of data.entries()) if (typeof v === "string" && v.trim()) body[k] = v.trim();
    this.busy = true;
    try {
      this.open = await api<RightsRequest>(`/sites/${this.site.id}/rights/requests/${this.open.id}/${action}`, { method: "POST", body });
      this.status = `Request ${this.open.id} is ${STATUSES[this.open.status]}${action === "extend" ? `, due ${this.open.extendedTo}` : ""}.`;
      await this.load(false);
    } catch (err) {
      this.status = err instanceof ConsoleApiError ? `${err.problem.title}: ${err.problem.detail}` : String(err);
    } finally {
      this.busy = false;
    }
  }

  private renderActions(r: RightsRequest) {
    const working = r.status === "open" || r.status === "in_progress";
    const form = (action: "start" | "extend" | "complete" | "deny", label: string, fields: unknown) =>
      html`<form class="action" @submit=${(e: SubmitEvent) => void this.act(e, action)}>${fields}<button type="submit" class=${action === "deny" ? "danger" : ""} ?disabled=${this.busy}>${label}</button></form>`;
    const area = (id: string, name: string, label: string, required: boolean) =>
      html`<div class="field"><label for=${id}>${label}${required ? "" : " (optional)"}</label><textarea id=${id} name=${name} rows="2" maxlength="2000" ?required=${required}></textarea></div>`;
    if (!working && r.status !== "awaiting_verification") return html`<p class="muted">This request is closed.</p>`;
    return html`<h3>What you did</h3>
      ${r.status === "open" ? form("start", "Mark in progress", area("start-note", "note", "Note", false)) : nothing}
      ${r.canExtend ? form("extend", "Extend", html`${area("extend-reason", "reason", "Why more time is needed (sent to the requester)", true)}`) : nothing}
      ${working ? form("complete", "Complete", area("complete-note", "note", "Note to the requester", false)) : nothing}
      ${form("deny", "Deny", html`${area("deny-basis", "basis", "Basis for the denial (sent to the requester)", true)}${area("deny-note", "note", "Internal note", false)}`)}`;
  }

  private renderRequest(r: RightsRequest) {
    return html`<section class="request" aria-labelledby="request-title">
      <h2 id="request-title" tabindex="-1">${TYPES[r.type]} <code>${r.id}</code></h2>
      <dl>
        <dt>Status</dt><dd>${STATUSES[r.status]}${r.outcome ? html` (${r.outcome.replaceAll("_", " ")})` : nothing}</dd>
        <dt>Received</dt><dd><time datetime=${r.receivedAt}>${r.receivedAt.replace("T", " ").slice(0, 16)} UTC</time> via ${r.channel === "web_form" ? "the rights page" : "the API"}</dd>
        <dt>Verification</dt><dd>${r.verification === "none" ? "not needed" : r.verifiedAt ? `email, verified ${r.verifiedAt.slice(0, 10)}` : "email, not yet verified"}</dd>
        <dt>Requester</dt><dd>${r.email ?? html`<span class="muted">cleared (closed, or none given)</span>`}</dd>
        ${r.acknowledgeBy ? html`<dt>Acknowledge by</dt><dd>${r.acknowledgeBy} <span class="muted">(the verification message acknowledged it)</span></dd>` : nothing}
        <dt>Due</dt><dd>${due(r)}${r.extendedTo ? html` <span class="muted">(extended from ${r.dueBy}: ${r.extensionReason})</span>` : nothing}</dd>
        ${r.denialBasis ? html`<dt>Denial basis</dt><dd>${r.denialBasis}</dd>` : nothing}
        ${r.respondedAt ? html`<dt>Responded</dt><dd>${r.respondedAt.slice(0, 10)}</dd>` : nothing}
        ${Object.entries(r.details ?? {}).map(([k, v]) => html`<dt>${DETAILS[k] ?? k}</dt><dd>${v === true ? "yes" : String(v)}</dd>`)}
      </dl>
      <h3>History</h3>
      <ol>${(r.events ?? []).map(
        (e) => html`<li><time datetime=${e.at}>${e.at.replace("T", " ").slice(0, 16)} UTC</time> — ${KINDS[e.kind] ?? e.kind} <span class="muted">by ${e.actor}</span>${e.note ? html`: ${e.note}` : nothing}</li>`,
      )}</ol>
      ${this.renderActions(r)}
    </section>`;
  }

  override render() {
    const f = this.filters;
    return html`<h1 tabindex="-1">Privacy requests of ${this.site.name ?? this.site.id}</h1>
      <p class="muted">Requests people made on the site's rights page or through its form. Due dates are the law's, in the site's time zone.
        <a href="/console/api/sites/${this.site.id}/rights/requests.csv" download>Download the request log (CSV)</a></p>
      <p role="status" aria-live="polite">${this.status}</p>
      <form class="row" @submit=${(e: SubmitEvent) => this.filter(e)}>
        <div class="field"><label for="f-type">Type</label>
          <select id="f-type" name="type"><option value="" ?selected=${f.type === ""}>any</option>${Object.entries(TYPES).map(([v, l]) => html`<option value=${v} ?selected=${f.type === v}>${l}</option>`)}</select></div>
        <div class="field"><label for="f-status">Status</label>
          <select id="f-status" name="status"><option value="active" ?selected=${f.status === "active"}>active</option><option value="all" ?selected=${f.status === "all"}>all</option>${Object.entries(STATUSES).map(([v, l]) => html`<option value=${v} ?selected=${f.status === v}>${l}</option>`)}</select></div>
        <div class="field"><label for="f-due">Due</label>
          <select id="f-due" name="due"><option value="" ?selected=${f.due === ""}>any time</option><option value="overdue" ?selected=${f.due === "overdue"}>overdue</option><option value="7" ?selected=${f.due === "7"}>within 7 days</option><option value="30" ?selected=${f.due === "30"}>within 30 days</option></select></div>
        <button type="submit">Filter</button>
      </form>
      ${this.page === null
        ? html`<p>Loading…</p>`
        : this.page.requests.length === 0
          ? html`<p>No requests match.</p>`
          : html`<div class="table-wrap" tabindex="0" role="region" aria-label="Privacy requests"><table>
              <thead><tr><th scope="col">Request</th><th scope="col">Received</th><th scope="col">Status</th><th scope="col">Due</th></tr></thead>
              <tbody>${this.page.requests.map(
                (r) => html`<tr>
                  <th scope="row"><button class="link" @click=${() => void this.openRequest(r.id)} aria-label="Open ${TYPES[r.type]} ${r.id}">${TYPES[r.type]}</button></th>
                  <td><time datetime=${r.receivedAt}>${r.receivedAt.slice(0, 10)}</time></td>
                  <td>${STATUSES[r.status]}</td>
                  <td>${due(r)}</td></tr>`,
              )}</tbody></table></div>
            ${this.page.next ? html`<button class="secondary" @click=${() => void this.load(true)}>Show more</button>` : nothing}`}
      ${this.open ? this.renderRequest(this.open) : nothing}`;
  }
}

customElements.define("console-site-rights", ConsoleSiteRights);
