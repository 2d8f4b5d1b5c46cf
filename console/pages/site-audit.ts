/**
 * `<console-site-audit>`: a site's audit log, newest first: who changed what, when, and the
 * fingerprints of the thing before and after (SHA-256 of its canonical JSON; shortened here,
 * whole in the title and the API). "Show older" pages back.
 *
 * Properties: `site` ({ id, name, role }).
 */
import { LitElement, html, nothing } from "lit";
import type { ConsoleAuditEntry, ConsoleAuditPage, ConsoleMe } from "../../worker/contract";
import { api } from "../api";
import { shared } from "../styles";

/** What an action means, in words. */
const ACTIONS: Record<string, string> = {
  "member.add": "added a member",
  "member.role": "changed a member's role",
  "member.remove": "removed a member",
  "member.grant": "gave a role (command line)",
  "site.create": "created the site",
  "config.publish": "published a configuration",
  "config.rollback": "rolled the configuration back",
  "config.publish_failed": "tried to publish; the configuration store refused (nothing changed)",
  "ledger.export": "exported the proof ledger",
  "ledger.verify": "verified the proof chain",
  "list.export": "exported a list's confirmed subscribers",
  "key.create": "created an API key",
  "key.revoke": "revoked an API key",
  "webhook.add": "added a webhook endpoint",
  "webhook.delete": "deleted a webhook endpoint",
  "webhook.test": "sent a test event",
  "webhook.redeliver": "queued failed deliveries again",
  "rights.in_progress": "started a privacy request",
  "rights.extended": "extended a privacy request",
  "rights.completed": "completed a privacy request",
  "rights.denied": "denied a privacy request",
  "rights.export": "downloaded the privacy-request log",
};

const short = (fp: string | null) => (fp ? html`<code title=${fp}>${fp.slice(0, 12)}</code>` : html`<span class="muted">none</span>`);

export class ConsoleSiteAudit extends LitElement {
  static override styles = [shared];
  static override properties = { site: { attribute: false }, entries: { state: true }, next: { state: true }, failure: { state: true } };
  declare site: ConsoleMe["sites"][number];
  declare entries: ConsoleAuditEntry[] | null;
  declare next: number | null;
  declare failure: string;

  constructor() {
    super();
    this.entries = null;
    this.next = null;
    this.failure = "";
  }

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has("site")) {
      this.entries = null;
      void this.more();
    }
  }

  private async more(): Promise<void> {
    try {
      const before = this.entries && this.next ? `&before=${this.next}` : "";
      const page = await api<ConsoleAuditPage>(`/sites/${this.site.id}/audit?limit=50${before}`);
      this.entries = [...(this.entries ?? []), ...page.entries];
      this.next = page.next;
    } catch (err) {
      this.failure = err instanceof Error ? err.message : String(err);
    }
  }

  override render() {
    return html`
      <h1 tabindex="-1">Audit log of ${this.site.name ?? this.site.id}</h1>
      <p class="muted">Every change made to this site through the console or the command line, and every export of its ledger: who, what, when, and fingerprints of the thing before and after.</p>
      ${this.failure ? html`<p class="error" role="alert">${this.failure}</p>` : nothing}
      ${this.entries === null
        ? html`<p role="status">Loading…</p>`
        : this.entries.length === 0
          ? html`<p>Nothing has been changed yet.</p>`
          : html`<div class="table-wrap" tabindex="0" role="region" aria-label="Audit log">
              <table>
                <thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">What</th><th scope="col">Before</th><th scope="col">After</th></tr></thead>
                <tbody>
                  ${this.entries.map(
                    (e) => html`<tr>
                      <td><time datetime=${e.at}>${e.at.replace("T", " ").slice(0, 19)}</time></td>
                      <td><code>${e.actor}</code></td>
                      <td>${ACTIONS[e.action] ?? e.action}${e.target ? html`: <code>${e.target}</code>` : nothing}</td>
                      <td>${short(e.beforeFingerprint)}</td>
                      <td>${short(e.afterFingerprint)}</td>
                    </tr>`,
                  )}
                </tbody>
              </table>
            </div>
            ${this.next ? html`<p><button class="secondary" @click=${() => void this.more()}>Show older</button></p>` : nothing}`}
    `;
  }
}

customElements.define("console-site-audit", ConsoleSiteAudit);
