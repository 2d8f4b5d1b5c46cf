/**
 * `<console-site-integrations>`: what connects the site to its owner's servers.
 *
 * - API keys for the site owner API: the list (label, created, last used, revoked; never a
 *   secret); owners create one (its secret is shown once, here) and revoke.
 * - Webhook endpoints (owners only: they carry signing secrets): add one, send a test event,
 *   read its delivery log, redeliver what failed, delete it. These call the site owner API's own
 *   webhook routes, mounted behind the console's sign-in.
 *
 * Properties: `site` ({ id, name, role }).
 */
import { LitElement, css, html, nothing } from "lit";
import type { ConsoleMe, WebhookDeliveriesResponse, WebhookEndpoint } from "../../worker/contract";
import { ConsoleApiError, api } from "../api";
import { shared } from "../styles";

interface Key {
  id: string;
  label: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

const day = (iso: string | null) => (iso ? iso.replace("T", " ").slice(0, 16) : "never");
const message = (err: unknown) => (err instanceof ConsoleApiError ? `${err.problem.title}: ${err.problem.detail}` : String(err));

export class ConsoleSiteIntegrations extends LitElement {
  static override styles = [
    shared,
    css`
      .panel { border: 2px solid var(--c-border); border-radius: 8px; padding: 0.75rem 1rem; margin: 1rem 0; }
      .secret { font-size: 1rem; display: block; padding: 0.5rem; background: var(--c-surface); border-radius: 6px; overflow-wrap: anywhere; }
    `,
  ];
  static override properties = {
    site: { attribute: false },
    keys: { state: true },
    newSecret: { state: true },
    endpoints: { state: true },
    log: { state: true },
    status: { state: true },
    busy: { state: true },
  };
  declare site: ConsoleMe["sites"][number];
  declare keys: Key[] | null;
  declare newSecret: { id: string; secret: string } | null;
  declare endpoints: WebhookEndpoint[] | null;
  declare log: { endpoint: string; deliveries: WebhookDeliveriesResponse["deliveries"] } | null;
  declare status: string;
  declare busy: boolean;

  constructor() {
    super();
    this.keys = null;
    this.newSecret = null;
    this.endpoints = null;
    this.log = null;
    this.status = "";
    this.busy = false;
  }

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has("site")) void this.load();
  }

  private get owner(): boolean {
    return this.site.role === "owner";
  }

  private async load(): Promise<void> {
    try {
      this.keys = (await api<{ keys: Key[] }>(`/sites/${this.site.id}/keys`)).keys;
      this.endpoints = this.owner ? (await api<{ endpoints: WebhookEndpoint[] }>(`/sites/${this.site.id}/webhooks`)).endpoints : null;
    } catch (err) {
      this.status = message(err);
    }
  }

  /** Runs a change, reports it, reloads. */
  private async act(what: () => Promise<string>): Promise<void> {
    this.busy = true;
    try {
      this.status = await what();
      await this.load();
    } catch (err) {
      this.status = message(err);
    } finally {
      this.busy = false;
    }
  }

  private createKey(event: SubmitEvent): void {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const label = String(new FormData(form).get("label") ?? "").trim();
    void this.act(async () => {
      const key = await api<{ id: string; secret: string }>(`/sites/${this.site.id}/keys`, { method: "POST", body: { label } });
      this.newSecret = key;
      form.reset();
      return `Created the key ${key.id}. Copy its secret now: it is not shown again.`;
    });
  }

  private addEndpoint(event: SubmitEvent): void {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const description = String(data.get("description") ?? "").trim();
    void this.act(async () => {
      const e = await api<WebhookEndpoint>(`/sites/${this.site.id}/webhooks`, { method: "POST", body: { url: String(data.get("url") ?? "").trim(), ...(description ? { description } : {}) } });
      form.reset();
      return `Added the endpoint ${e.id}. Its signing secret is in the list below.`;
    });
  }

  private async showLog(id: string): Promise<void> {
    try {
      const r = await api<WebhookDeliveriesResponse>(`/sites/${this.site.id}/webhooks/${id}/deliveries?limit=20`);
      this.log = { endpoint: id, deliveries: r.deliveries };
    } catch (err) {
      this.status = message(err);
    }
  }

  private keysSection() {
    return html`<h2>API keys</h2>
      <p class="muted">For your servers' calls to the site owner API (<code>Authorization: Bearer ask_…</code>). Only a key's hash is kept.</p>
      ${this.newSecret
        ? html`<div class="panel" role="alert"><p><strong>The secret of ${this.newSecret.id}</strong> (shown this once):</p><code class="secret">${this.newSecret.secret}</code>
            <p><button class="secondary" type="button" @click=${() => (this.newSecret = null)}>I have stored it</button></p></div>`
        : nothing}
      ${this.keys && this.keys.length
        ? html`<div class="table-wrap" tabindex="0" role="region" aria-label="API keys"><table>
            <thead><tr><th scope="col">Key</th><th scope="col">Label</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col">Status</th></tr></thead>
            <tbody>${this.keys.map(
              (k) => html`<tr><th scope="row"><code>${k.id}</code></th><td>${k.label}</td><td>${day(k.createdAt)}</td><td>${day(k.lastUsedAt)}</td>
                <td>${k.revokedAt
                  ? `revoked ${day(k.revokedAt)}`
                  : this.owner
                    ? html`<button class="danger" type="button" ?disabled=${this.busy} aria-label="Revoke ${k.id}"
                        @click=${() => void this.act(async () => (await api(`/sites/${this.site.id}/keys/${k.id}`, { method: "DELETE" }), `Revoked ${k.id}: requests with it now get 401.`))}>Revoke</button>`
                    : "live"}</td></tr>`,
            )}</tbody></table></div>`
        : html`<p>No API keys yet.</p>`}
      ${this.owner
        ? html`<form class="row" @submit=${(e: SubmitEvent) => this.createKey(e)}>
            <div class="field"><label for="key-label">Label of a new key</label><input id="key-label" name="label" required maxlength="64"></div>
            <button type="submit" ?disabled=${this.busy}>Create a key</button></form>`
        : nothing}`;
  }

  private webhooksSection() {
    if (!this.owner) return html`<h2>Webhook endpoints</h2><p>Only owners see webhook endpoints: they carry signing secrets.</p>`;
    return html`<h2>Webhook endpoints</h2>
      <p class="muted">Signed events (Standard Webhooks) for every decision and list change, retried for about three days.</p>
      ${this.endpoints && this.endpoints.length
        ? this.endpoints.map(
            (e) => html`<div class="panel">
              <p><strong><code>${e.url}</code></strong> ${e.description ? html`<span class="muted">(${e.description})</span>` : nothing}</p>
              <p class="muted">Events: ${e.events.join(", ")} · id <code>${e.id}</code> · signing secret <code>${e.secret}</code></p>
              <div class="row">
                <button class="secondary" type="button" ?disabled=${this.busy}
                  @click=${() => void this.act(async () => (await api(`/sites/${this.site.id}/webhooks/${e.id}/test`, { method: "POST" }), "Queued a test event."))}>Send a test event</button>
                <button class="secondary" type="button" @click=${() => void this.showLog(e.id)}>Delivery log</button>
                <button class="secondary" type="button" ?disabled=${this.busy}
                  @click=${() => void this.act(async () => `Queued ${(await api<{ requeued: number }>(`/sites/${this.site.id}/webhooks/${e.id}/redeliver`, { method: "POST", body: {} })).requeued} failed deliveries again.`)}>Redeliver failed</button>
                <button class="danger" type="button" ?disabled=${this.busy} aria-label="Delete ${e.url}"
                  @click=${() => void this.act(async () => (await api(`/sites/${this.site.id}/webhooks/${e.id}`, { method: "DELETE" }), `Deleted the endpoint ${e.id}.`))}>Delete</button>
              </div>
              ${this.log?.endpoint === e.id
                ? this.log.deliveries.length
                  ? html`<div class="table-wrap" tabindex="0" role="region" aria-label="Deliveries to ${e.url}"><table>
                      <thead><tr><th scope="col">Event</th><th scope="col">Created</th><th scope="col">Status</th><th scope="col">Attempts</th><th scope="col">Last answer</th></tr></thead>
                      <tbody>${this.log.deliveries.map(
                        (d) => html`<tr><th scope="row">${d.type}</th><td>${day(d.createdAt)}</td><td>${d.status}</td><td>${d.attempts}</td><td>${d.lastStatus ?? d.lastError ?? "—"}</td></tr>`,
                      )}</tbody></table></div>`
                  : html`<p>Nothing was sent to it yet.</p>`
                : nothing}
            </div>`,
          )
        : html`<p>No webhook endpoints yet.</p>`}
      <form @submit=${(e: SubmitEvent) => this.addEndpoint(e)}>
        <div class="row">
          <div class="field"><label for="wh-url">Endpoint URL (https)</label><input id="wh-url" name="url" type="url" required></div>
          <div class="field"><label for="wh-desc">Description</label><input id="wh-desc" name="description" maxlength="200"></div>
          <button type="submit" ?disabled=${this.busy}>Add the endpoint</button>
        </div>
      </form>`;
  }

  override render() {
    return html`<h1 tabindex="-1">API keys and webhooks of ${this.site.name ?? this.site.id}</h1>
      <p role="status" aria-live="polite">${this.status}</p>
      ${this.keysSection()}
      ${this.webhooksSection()}`;
  }
}

customElements.define("console-site-integrations", ConsoleSiteIntegrations);
