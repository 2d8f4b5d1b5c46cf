/**
 * `<console-site-scans>`: the site's compliance scans (`npm run scan`, sent by CI through the
 * admin API), for every role: the shown scan's verdict (errors, warnings, notes; the URL, when,
 * the tool), the visitors it played (regime, jurisdiction, GPC), its findings grouped by
 * severity with a compact rendering of each one's evidence, its suggested config entries (a
 * table, and the `storage` entries to paste, per category; owners can add them to the
 * configuration draft), and the history, where choosing a scan shows it. The newest scan is
 * shown first. With no scan yet, how to send one.
 *
 * Properties: `site` ({ id, name, role }).
 */
import { LitElement, css, html, nothing } from "lit";
import type {
  ConsoleLiveConfig,
  ConsoleMe,
  ScanEvidence,
  ScanFinding,
  ScanList,
  ScanListItem,
  ScanProfileId,
  ScanSeverity,
  ScanState,
  ScanSuggestion,
  StoredScan,
} from "../../worker/contract";
import { ConsoleApiError, api } from "../api";
import { type StorageEntry, queueDraftAdditions } from "../draft-additions";
import { shared } from "../styles";

const PROFILES: Record<ScanProfileId, string> = {
  eu: "EU visitor",
  "us-ca": "Californian",
  "us-ca-gpc": "Californian with Global Privacy Control",
};

const STATES: Record<ScanState, string> = {
  before: "before a choice",
  reject: "after Reject all",
  "reject-reload": "after Reject all, reloaded",
  "reject-next-page": "after Reject all, next page",
  accept: "after Accept all",
  escape: "after Escape on the banner",
};

const SEVERITIES: { severity: ScanSeverity; title: string }[] = [
  { severity: "error", title: "Errors" },
  { severity: "warning", title: "Warnings" },
  { severity: "info", title: "Notes" },
];

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const when = (iso: string) => html`<time datetime=${iso}>${iso.replace("T", " ").slice(0, 16)} UTC</time>`;
const days = (d: number | null) => (d === null ? "session" : `${Math.round(d)} d`);
const party = (third: boolean) => (third ? "third party" : "first party");

/** The counts of a scan in words: "5 errors, 3 warnings, 1 note". */
const counts = (s: { errors: number; warnings: number; infos: number }) => `${plural(s.errors, "error")}, ${plural(s.warnings, "warning")}, ${plural(s.infos, "note")}`;

/** One finding's evidence, in a line. */
function evidence(e: ScanEvidence) {
  switch (e.kind) {
    case "cookie":
      return html`cookie <code>${e.cookie.name}</code> on <code>${e.cookie.domain}</code>, ${party(e.cookie.thirdParty)}, ${e.cookie.expiresDays === null ? "session" : `expires in ${days(e.cookie.expiresDays)}`}`;
    case "storage":
      return html`${e.item.area} <code>${e.item.key}</code>`;
    case "request":
      return html`${e.request.type} from <code>${e.request.host}</code>, ${party(e.request.thirdParty)}: <code>${e.request.url}</code>`;
    case "consent-mode":
      return html`${e.calls.map(
        (c, i) => html`${i ? "; " : ""}<code>${c.command} ${c.target ?? ""}${c.values ? ` ${Object.entries(c.values).map(([k, v]) => `${k}=${v}`).join(" ")}` : ""}</code>`,
      )}`;
    case "buttons": {
      const b = (label: string, s: NonNullable<typeof e.reject>) => `${label} ${Math.round(s.width)}×${Math.round(s.height)}, ${s.fontSize}px/${s.fontWeight}, contrast ${s.contrast.toFixed(1)}:1`;
      return html`${b("Accept", e.accept)}; ${e.reject ? b("Reject", e.reject) : "no reject button"}`;
    }
    case "control":
      return html`“${e.label}” ${e.checked ? "on" : "off"}`;
    case "record":
      return html`record: ${Object.entries(e.categories).map(([id, on], i) => html`${i ? ", " : ""}<code>${id}</code> ${on ? "on" : "off"}`)}`;
    case "declared":
      return html`declared ${e.type} <code>${e.name}</code>${e.category ? html` in <code>${e.category}</code>` : nothing}${e.type === "host" ? nothing : html`, ${days(e.durationDays)}`}`;
    case "text":
      return html`${e.text}`;
  }
}

/** A rule id that breaks after its slash only (`before-choice/` `third-party`). */
const rule = (id: string) => {
  const [family, name] = id.split("/");
  return html`<code class="rule">${family}/<wbr>${name}</code>`;
};

/** A page of the scan: its path when it is on the scanned URL's origin (shown above), else the whole URL. */
function pageOf(page: string, scanned: string) {
  try {
    const url = new URL(page);
    if (url.origin === new URL(scanned).origin) return html`<code>${url.pathname}${url.search}</code>`;
  } catch {
    // Not a URL the browser parses: shown as it is.
  }
  return html`<code>${page}</code>`;
}

/** Whether a report's link may be a link: http(s) only (a report is data from whoever holds an API key). */
const isHttp = (url: string) => /^https?:\/\//i.test(url);

/** The `storage` entries to paste, by category. */
function storageByCategory(suggestions: ScanSuggestion[]): Record<string, StorageEntry[]> {
  const by: Record<string, StorageEntry[]> = {};
  for (const s of suggestions) if (s.storage) (by[s.category] ??= []).push(s.storage);
  return by;
}

export class ConsoleSiteScans extends LitElement {
  static override styles = [
    shared,
    css`
      dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; margin: 0.5rem 0; }
      dt { font-weight: 600; }
      dd { margin: 0; overflow-wrap: anywhere; }
      @media (max-width: 30rem) { dl { grid-template-columns: 1fr; } dd { margin-bottom: 0.5rem; } }
      .verdict { border: 2px solid var(--c-border); border-radius: 8px; padding: 0.75rem 1rem; margin: 1rem 0; }
      .verdict.failed { border-color: var(--c-danger); }
      .verdict p.counts { font-size: 1.15rem; font-weight: 700; margin: 0 0 0.5rem; }
      pre { margin: 0.5rem 0; padding: 0.5rem; border: 1px solid var(--c-border); border-radius: 6px; background: var(--c-surface); overflow-x: auto; max-width: 100%; box-sizing: border-box; font: 0.9rem/1.4 ui-monospace, monospace; }
      h4 { font-size: 1rem; margin: 1rem 0 0.25rem; }
      tr[aria-current="true"] th, tr[aria-current="true"] td { background: var(--c-surface); }
      .empty ol li { margin: 0.5rem 0; }
      code.rule { overflow-wrap: normal; }
    `,
  ];
  static override properties = {
    site: { attribute: false },
    history: { state: true },
    shown: { state: true },
    categories: { state: true },
    status: { state: true },
  };
  declare site: ConsoleMe["sites"][number];
  declare history: ScanList | null;
  declare shown: StoredScan | null;
  /** The live configuration's category ids, to say where a suggestion can go (null until read). */
  declare categories: string[] | null;
  declare status: string;

  constructor() {
    super();
    this.history = null;
    this.shown = null;
    this.categories = null;
    this.status = "";
  }

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has("site")) {
      this.history = null;
      this.shown = null;
      this.categories = null;
      void this.load();
    }
  }

  private problem(err: unknown): string {
    return err instanceof ConsoleApiError ? `${err.problem.title}: ${err.problem.detail}` : String(err);
  }

  /** The history's first page, and the newest scan with it. */
  private async load(): Promise<void> {
    try {
      const history = await api<ScanList>(`/sites/${this.site.id}/scans?limit=20`);
      if (history.scans.length) this.shown = await api<StoredScan>(`/sites/${this.site.id}/scans/${history.scans[0]!.id}`);
      this.history = history;
      if (this.shown?.report.suggestions.some((s) => s.storage)) void this.loadCategories();
    } catch (err) {
      this.status = this.problem(err);
      this.history ??= { scans: [], next: null };
    }
  }

  private async loadCategories(): Promise<void> {
    if (this.categories) return;
    try {
      const live = await api<ConsoleLiveConfig>(`/sites/${this.site.id}/config`);
      const cats = (live.config as { categories?: { id?: unknown }[] }).categories ?? [];
      this.categories = cats.map((c) => String(c.id));
    } catch {
      // Without the configuration the page still shows the entries; it only cannot say where they go.
    }
  }

  private async more(): Promise<void> {
    if (!this.history?.next) return;
    try {
      const next = await api<ScanList>(`/sites/${this.site.id}/scans?limit=20&cursor=${encodeURIComponent(this.history.next)}`);
      this.history = { scans: [...this.history.scans, ...next.scans], next: next.next };
    } catch (err) {
      this.status = this.problem(err);
    }
  }

  private async show(item: ScanListItem): Promise<void> {
    try {
      this.shown = await api<StoredScan>(`/sites/${this.site.id}/scans/${item.id}`);
      this.status = `Showing the scan of ${item.url} received ${item.receivedAt.replace("T", " ").slice(0, 16)} UTC.`;
      if (this.shown.report.suggestions.some((s) => s.storage)) void this.loadCategories();
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>("#scan-title")?.focus();
    } catch (err) {
      this.status = this.problem(err);
    }
  }

  /** Queues one category's entries for the configuration draft and opens the configuration page. */
  private addToDraft(category: string, entries: StorageEntry[]): void {
    const scan = this.shown!;
    queueDraftAdditions({ siteId: this.site.id, source: `the scan of ${scan.report.url} (${scan.receivedAt.slice(0, 10)})`, storage: { [category]: entries } });
    location.hash = `#/sites/${this.site.id}/config`;
  }

  private renderEmpty() {
    const endpoint = `${location.origin}/v1/sites/${this.site.id}/admin/scans`;
    return html`<section class="empty" aria-labelledby="empty-title">
      <h2 id="empty-title">No scan yet</h2>
      <p>The compliance scanner visits the site as an EU visitor, a Californian and a Californian with Global Privacy Control, and checks that nothing
        non-essential happens before a choice or after “Reject all”, that GPC is honoured, that the banner is fair, and what the configuration forgot to
        declare. Its report appears here when it is sent to this site with one of its API keys (your CI can do it after every deploy):</p>
      <ol>
        <li>Create an API key on the <a href="#/sites/${this.site.id}/integrations">API keys and webhooks</a> page${this.site.role === "owner" ? "" : " (an owner can)"}.</li>
        <li>Scan the site, from a checkout of Assent:
          <pre tabindex="0" role="region" aria-label="The scan command">npm run scan -- https://www.example.com/ --json scan.json</pre></li>
        <li>Send the report:
          <pre tabindex="0" role="region" aria-label="The command that sends the report">curl -X POST -H "Authorization: Bearer $ASSENT_API_KEY" -H "Content-Type: application/json" \\
  --data-binary @scan.json ${endpoint}</pre></li>
      </ol>
      <p class="muted">A site keeps its 100 newest reports, each at most 1 MB.</p>
    </section>`;
  }

  private renderVerdict(scan: StoredScan) {
    const r = scan.report;
    const failed = r.summary.errors > 0;
    const verdict = failed ? "Problems found" : r.summary.warnings > 0 ? "No errors; warnings to look at" : "No problems found";
    return html`<div class="verdict ${failed ? "failed" : ""}">
      <p class="counts">${verdict}: ${counts(r.summary)}</p>
      <dl>
        <dt>URL</dt><dd><code>${r.url}</code></dd>
        <dt>Scanned</dt><dd>${when(r.startedAt)} (${Math.max(0, Math.round((Date.parse(r.finishedAt) - Date.parse(r.startedAt)) / 1000))} s)</dd>
        <dt>Received</dt><dd>${when(scan.receivedAt)}</dd>
        <dt>Tool</dt><dd>${r.tool}</dd>
        <dt>Pages visited</dt><dd>${r.summary.pages.length ? r.summary.pages.map((p, i) => html`${i ? ", " : ""}<code>${p}</code>`) : "none"}</dd>
      </dl>
    </div>`;
  }

  private renderProfiles(scan: StoredScan) {
    return html`<h3>Visitors played</h3>
      <div class="table-wrap" tabindex="0" role="region" aria-label="Visitors played">
        <table>
          <thead><tr><th scope="col">Profile</th><th scope="col">Regime</th><th scope="col">Jurisdiction</th><th scope="col">GPC</th><th scope="col">States observed</th></tr></thead>
          <tbody>${scan.report.profiles.map(
            (p) => html`<tr>
              <th scope="row">${PROFILES[p.profile]}</th>
              <td>${p.regime ?? html`<span class="muted">unknown</span>`}</td>
              <td>${p.jurisdiction ?? html`<span class="muted">unknown</span>`}</td>
              <td>${p.gpc ? "on" : "off"}</td>
              <td>${p.observations.length}</td>
            </tr>`,
          )}</tbody>
        </table>
      </div>`;
  }

  private renderFindings(findings: ScanFinding[], url: string) {
    if (!findings.length) return html`<h3>Findings</h3><p>None: the site kept every promise the scanner checks.</p>`;
    return html`<h3>Findings</h3>
      ${SEVERITIES.map(({ severity, title }) => {
        const group = findings.filter((f) => f.severity === severity);
        if (!group.length) return nothing;
        return html`<h4 id="findings-${severity}">${title} (${group.length})</h4>
          <div class="table-wrap" tabindex="0" role="region" aria-labelledby="findings-${severity}">
            <table>
              <thead><tr><th scope="col">Rule</th><th scope="col">What</th><th scope="col">Profile</th><th scope="col">State</th><th scope="col">Page</th><th scope="col">Evidence</th></tr></thead>
              <tbody>${group.map(
                (f) => html`<tr>
                  <th scope="row">${rule(f.rule)}</th>
                  <td>${f.message}</td>
                  <td>${PROFILES[f.profile]}</td>
                  <td>${f.state ? STATES[f.state] : html`<span class="muted">any</span>`}</td>
                  <td>${pageOf(f.page, url)}</td>
                  <td>${evidence(f.evidence)}</td>
                </tr>`,
              )}</tbody>
            </table>
          </div>`;
      })}`;
  }

  private renderSuggestions(suggestions: ScanSuggestion[]) {
    if (!suggestions.length) return html`<h3>Suggested config entries</h3><p>Nothing to propose: the configuration declares everything the scanner saw.</p>`;
    const byCategory = storageByCategory(suggestions);
    const hosts = suggestions.filter((s) => s.host);
    const owner = this.site.role === "owner";
    return html`<h3>Suggested config entries</h3>
      <p>For each cookie, storage key or host the scanner saw that no category of the configuration declares. Check each before you use it: a vendor's
        entry comes from its documentation (the link), an unknown one from what the scanner observed.</p>
      <div class="table-wrap" tabindex="0" role="region" aria-label="Suggested config entries">
        <table>
          <thead><tr><th scope="col">Category</th><th scope="col">Purpose</th><th scope="col">Vendor</th><th scope="col">Entry</th><th scope="col">Observed</th></tr></thead>
          <tbody>${suggestions.map(
            (s) => html`<tr>
              <th scope="row"><code>${s.category}</code></th>
              <td>${s.purpose}</td>
              <td>${s.vendor
                ? isHttp(s.vendor.source)
                  ? html`<a href=${s.vendor.source} rel="noopener noreferrer">${s.vendor.name}</a>`
                  : s.vendor.name
                : html`<span class="muted">unknown</span>`}</td>
              <td>${s.storage
                ? html`${s.storage.type} <code>${s.storage.name}</code>, ${days(s.storage.durationDays)}, ${party(s.storage.thirdParty)}`
                : html`host <code>${s.host}</code>`}</td>
              <td>${s.observed.map((name, i) => html`${i ? ", " : ""}<code>${name}</code>`)}</td>
            </tr>`,
          )}</tbody>
        </table>
      </div>
      ${Object.keys(byCategory).length
        ? html`<h4>Storage entries to paste</h4>
            <p>Each list goes in that category's <code>storage</code> array of the configuration.${owner ? " Or add it to the configuration draft, then review and publish it there." : ""}</p>
            ${Object.entries(byCategory).map(([category, entries], i) => {
              const missing = this.categories !== null && !this.categories.includes(category);
              return html`<h5 class="muted" id="paste-${i}">Category <code>${category}</code></h5>
                <pre tabindex="0" role="region" aria-labelledby="paste-${i}">${JSON.stringify(entries, null, 2)}</pre>
                ${category === "unknown"
                  ? html`<p class="muted">The scanner does not know what these are for: find out, then put each in the category of its purpose.</p>`
                  : missing
                    ? html`<p class="muted">The configuration has no category “${category}”: add one on the Configuration page, or put these entries in another category.</p>`
                    : owner
                      ? html`<p><button type="button" class="secondary" aria-label="Add to config draft: the ${category} entries" @click=${() => this.addToDraft(category, entries)}>Add to config draft</button></p>`
                      : nothing}`;
            })}`
        : nothing}
      ${hosts.length
        ? html`<p>${plural(hosts.length, "host")} to list under a vendor's <code>hosts</code>: ${hosts.map((s, i) => html`${i ? ", " : ""}<code>${s.host}</code>`)}.</p>`
        : nothing}`;
  }

  private renderScan(scan: StoredScan) {
    const latest = this.history?.scans[0]?.id === scan.id;
    return html`<section aria-labelledby="scan-title">
      <h2 id="scan-title" tabindex="-1">${latest ? "Latest scan" : "Scan"} of <code>${scan.report.url}</code></h2>
      ${this.renderVerdict(scan)}
      ${this.renderProfiles(scan)}
      ${this.renderFindings(scan.report.findings, scan.report.url)}
      ${this.renderSuggestions(scan.report.suggestions)}
    </section>`;
  }

  private renderHistory(history: ScanList) {
    return html`<section aria-labelledby="history-title">
      <h2 id="history-title">History</h2>
      <p class="muted">The site's reports, newest first (the 100 newest are kept).</p>
      <div class="table-wrap" tabindex="0" role="region" aria-label="Scan history">
        <table>
          <thead><tr><th scope="col">Received</th><th scope="col">URL</th><th scope="col">Errors</th><th scope="col">Warnings</th><th scope="col">Notes</th></tr></thead>
          <tbody>${history.scans.map((s) => {
            const current = this.shown?.id === s.id;
            return html`<tr aria-current=${current ? "true" : nothing}>
              <th scope="row"><button class="link" aria-label="Show the scan received ${s.receivedAt.replace("T", " ").slice(0, 16)} UTC${current ? " (shown)" : ""}"
                @click=${() => void this.show(s)}>${s.receivedAt.replace("T", " ").slice(0, 16)}</button></th>
              <td><code>${s.url}</code></td>
              <td>${s.errors}</td>
              <td>${s.warnings}</td>
              <td>${s.infos}</td>
            </tr>`;
          })}</tbody>
        </table>
      </div>
      ${history.next ? html`<p><button class="secondary" @click=${() => void this.more()}>Show older</button></p>` : nothing}
    </section>`;
  }

  override render() {
    const h = this.history;
    return html`<h1 tabindex="-1">Compliance scans of ${this.site.name ?? this.site.id}</h1>
      <p class="muted">What the compliance scanner (<code>npm run scan</code>) found on the site, as sent by your CI.</p>
      <p role="status" aria-live="polite">${this.status}</p>
      ${h === null
        ? html`<p>Loading…</p>`
        : h.scans.length === 0
          ? this.renderEmpty()
          : html`${this.shown ? this.renderScan(this.shown) : nothing}${this.renderHistory(h)}`}`;
  }
}

customElements.define("console-site-scans", ConsoleSiteScans);
