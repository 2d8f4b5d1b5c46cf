/**
 * `<console-site-ledger>`: the site's proof ledger. The last verification of its hash chain, with
 * "Verify now" (worker/proof/verifications.ts); find decisions by receipt id, visitor id or
 * subject, narrowed by date, action and regime, newest first; open one receipt with every field
 * that was recorded; download a date range as CSV or JSON Lines (streamed by the Worker, and
 * written to the audit log).
 *
 * Properties: `site` ({ id, name, role }).
 */
import { LitElement, css, html, nothing } from "lit";
import type { ConsoleLedgerVerification, ConsoleMe } from "../../worker/contract";
import { ConsoleApiError, api } from "../api";
import { shared } from "../styles";

/** A decision as the API lists it. */
interface Entry {
  receiptId: string;
  recordedAt: string;
  visitorId: string;
  action: string;
  surface: string;
  categories: Record<string, boolean>;
  regime: string;
  country: string | null;
  [field: string]: unknown;
}

const FIELDS: [string, string][] = [
  ["receipt", "Receipt id"],
  ["visitor", "Visitor id"],
  ["subject", "Subject (your id for a signed-in person)"],
];

const isoDay = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

export class ConsoleSiteLedger extends LitElement {
  static override styles = [
    shared,
    css`
      dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; margin: 0; }
      dt { font-weight: 600; }
      dd { margin: 0; overflow-wrap: anywhere; }
      .panel { border: 2px solid var(--c-border); border-radius: 8px; padding: 0.75rem 1rem; margin: 1rem 0; }
      @media (max-width: 30rem) { dl { grid-template-columns: 1fr; } dd { margin-bottom: 0.5rem; } }
    `,
  ];
  static override properties = {
    site: { attribute: false },
    entries: { state: true },
    next: { state: true },
    open: { state: true },
    status: { state: true },
    errors: { state: true },
    exportFrom: { state: true },
    exportTo: { state: true },
    exportFormat: { state: true },
    verification: { state: true },
    verifying: { state: true },
  };
  declare site: ConsoleMe["sites"][number];
  declare entries: Entry[] | null;
  declare next: string | null;
  declare open: Entry | null;
  declare status: string;
  declare errors: Record<string, string>;
  declare exportFrom: string;
  declare exportTo: string;
  declare exportFormat: "csv" | "jsonl";
  declare verification: ConsoleLedgerVerification | null;
  declare verifying: boolean;
  private query = new URLSearchParams();

  constructor() {
    super();
    this.entries = null;
    this.next = null;
    this.open = null;
    this.status = "";
    this.errors = {};
    this.exportFrom = isoDay(-30);
    this.exportTo = isoDay(1);
    this.exportFormat = "csv";
    this.verification = null;
    this.verifying = false;
  }

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has("site")) {
      this.query = new URLSearchParams();
      void this.search(false);
      this.verification = null;
      void api<ConsoleLedgerVerification>(`/sites/${this.site.id}/ledger/verification`).then(
        (v) => (this.verification = v),
        () => undefined,
      );
    }
  }

  private async verifyNow(): Promise<void> {
    this.verifying = true;
    try {
      this.verification = await api<ConsoleLedgerVerification>(`/sites/${this.site.id}/ledger/verification`, { method: "POST" });
    } catch (err) {
      this.status = err instanceof Error ? err.message : String(err);
    } finally {
      this.verifying = false;
    }
  }

  private chain() {
    const v = this.verification;
    const when = (iso: string) => html`<time datetime=${iso}>${iso.replace("T", " ").slice(0, 16)} UTC</time>`;
    const last = v?.last;
    return html`<section aria-labelledby="chain-title" aria-busy=${this.verifying ? "true" : "false"}>
      <h2 id="chain-title">Proof chain</h2>
      <p class="muted">Every decision is linked into this site's hash chain a minute after it is recorded, and each past day is sealed into the archive with a signed manifest. A verification walks the chain, then the sealed segments, and names the first entry that was changed, removed or reordered by hand; the daily job verifies it, and you can at any time.</p>
      ${!last
        ? html`<p>Not verified yet.</p>`
        : last.ok
          ? html`<p><strong>The chain holds.</strong> Verified ${when(last.finishedAt)} (started by ${last.by}): ${last.checked} entries checked, ${last.removed} removed by erasure or retention, ${last.pending} not linked yet; ${last.segments} sealed segment${last.segments === 1 ? "" : "s"} of the archive checked. Head <code>${last.head.slice(0, 16)}…</code></p>`
          : html`<p class="error" role="alert"><strong>The chain is broken at position ${last.broken!.position}</strong> (verified ${when(last.finishedAt)}, started by ${last.by}): ${last.broken!.detail}.</p>`}
      ${v?.inProgress ? html`<p>A verification is in progress (started ${when(v.inProgress.startedAt)} by ${v.inProgress.by}): at position ${v.inProgress.position}; it continues every minute.</p>` : nothing}
      <p><button type="button" ?disabled=${this.verifying} @click=${() => void this.verifyNow()}>${this.verifying ? "Verifying…" : "Verify now"}</button></p>
    </section>`;
  }

  private async search(more: boolean): Promise<void> {
    const q = new URLSearchParams(this.query);
    if (more && this.next) q.set("cursor", this.next);
    try {
      const page = await api<{ entries: Entry[]; next: string | null }>(`/sites/${this.site.id}/ledger?${q}`);
      this.entries = more ? [...(this.entries ?? []), ...page.entries] : page.entries;
      this.next = page.next;
      this.errors = {};
      if (!more) this.status = this.entries.length ? `${this.entries.length}${page.next ? "+" : ""} decision${this.entries.length === 1 ? "" : "s"} found.` : "No decision matches.";
    } catch (err) {
      if (err instanceof ConsoleApiError && err.problem.errors) {
        this.errors = Object.fromEntries(err.problem.errors.map((e) => [e.path, e.message]));
        this.status = "Some of the search fields are not valid.";
      } else this.status = err instanceof Error ? err.message : String(err);
    }
  }

  private onSearch(event: SubmitEvent): void {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    this.query = new URLSearchParams();
    for (const [k, v] of data) if (typeof v === "string" && v.trim()) this.query.set(k, v.trim());
    this.open = null;
    void this.search(false);
  }

  private field(name: string, label: string, type = "text") {
    const error = this.errors[name];
    return html`<div class="field"><label for="q-${name}">${label}</label>
      <input id="q-${name}" name=${name} type=${type} aria-invalid=${error ? "true" : "false"} aria-describedby=${error ? `q-${name}-error` : nothing}>
      ${error ? html`<p class="error" id="q-${name}-error">${error}</p>` : nothing}</div>`;
  }

  private select(name: string, label: string, options: string[]) {
    return html`<div class="field"><label for="q-${name}">${label}</label>
      <select id="q-${name}" name=${name}><option value="">Any</option>${options.map((o) => html`<option .value=${o}>${o}</option>`)}</select></div>`;
  }

  private granted(e: Entry): string {
    const on = Object.entries(e.categories).filter(([, v]) => v).map(([k]) => k);
    return on.join(", ") || "none";
  }

  override render() {
    const name = this.site.name ?? this.site.id;
    const exportHref = `/console/api/sites/${this.site.id}/ledger/export?${new URLSearchParams({ from: this.exportFrom, to: this.exportTo, format: this.exportFormat })}`;
    return html`
      <h1 tabindex="-1">Proof ledger of ${name}</h1>
      <p class="muted">Every decision as it was recorded: what was granted, under which policy and wording, where and how. No IP address, no full user agent.</p>
      ${this.chain()}
      <h2>Find decisions</h2>
      <form @submit=${(e: SubmitEvent) => this.onSearch(e)} novalidate>
        <div class="row">${FIELDS.map(([n, l]) => this.field(n, l))}</div>
        <div class="row">
          ${this.field("from", "From (date)", "date")}${this.field("to", "Until (date, not included)", "date")}
          ${this.select("action", "Action", ["accept_all", "reject_all", "custom", "withdraw"])}
          ${this.select("regime", "Regime", ["opt-in", "opt-out", "notice"])}
          <button type="submit">Search</button>
        </div>
      </form>
      <p role="status" aria-live="polite">${this.status}</p>
      ${this.entries && this.entries.length
        ? html`<div class="table-wrap" tabindex="0" role="region" aria-label="Decisions">
              <table>
                <thead><tr><th scope="col">Recorded</th><th scope="col">Receipt</th><th scope="col">Action</th><th scope="col">Granted</th><th scope="col">Regime</th><th scope="col">Country</th></tr></thead>
                <tbody>${this.entries.map(
                  (e) => html`<tr>
                    <td><time datetime=${e.recordedAt}>${e.recordedAt.replace("T", " ").slice(0, 19)}</time></td>
                    <th scope="row"><button class="secondary" type="button" aria-label="Open receipt ${e.receiptId}" @click=${() => (this.open = e)}><code>${e.receiptId.slice(0, 14)}…</code></button></th>
                    <td>${e.action}</td><td>${this.granted(e)}</td><td>${e.regime}</td><td>${e.country ?? "unknown"}</td>
                  </tr>`,
                )}</tbody>
              </table>
            </div>
            ${this.next ? html`<p><button class="secondary" type="button" @click=${() => void this.search(true)}>Show older</button></p>` : nothing}`
        : nothing}
      ${this.open
        ? html`<section class="panel" aria-labelledby="receipt-title">
            <h2 id="receipt-title">Receipt <code>${this.open.receiptId}</code></h2>
            <dl>${Object.entries(this.open).map(([k, v]) => html`<dt>${k}</dt><dd><code>${typeof v === "object" ? JSON.stringify(v) : String(v)}</code></dd>`)}</dl>
            <p><button class="secondary" type="button" @click=${() => (this.open = null)}>Close</button></p>
          </section>`
        : nothing}
      <h2>Export</h2>
      <p class="muted">Every decision recorded in the range, oldest first, with every field. Large ranges stream; the download starts at once. Exports are in the audit log.</p>
      <div class="row">
        <div class="field"><label for="x-from">From</label><input id="x-from" type="date" .value=${this.exportFrom} @input=${(e: Event) => (this.exportFrom = (e.target as HTMLInputElement).value)}></div>
        <div class="field"><label for="x-to">Until (not included)</label><input id="x-to" type="date" .value=${this.exportTo} @input=${(e: Event) => (this.exportTo = (e.target as HTMLInputElement).value)}></div>
        <div class="field"><label for="x-format">Format</label><select id="x-format" @change=${(e: Event) => (this.exportFormat = (e.target as HTMLSelectElement).value as "csv" | "jsonl")}>
          <option value="csv">CSV</option><option value="jsonl">JSON Lines</option></select></div>
        <a href=${exportHref} download>Download the export</a>
      </div>
    `;
  }
}

customElements.define("console-site-ledger", ConsoleSiteLedger);
