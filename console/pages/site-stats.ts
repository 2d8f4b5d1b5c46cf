/**
 * `<console-site-stats>`: what visitors chose, from daily counters that identify nobody. For a
 * date range: impressions and decisions per day, how visitors answered (accept all, reject all,
 * custom, no answer), each purpose's share of decisions that granted it, Global Privacy
 * Control's share and how often it changed something; and the same by regime, country and
 * language. Every chart has its numbers in a table and as CSV. A count from 1 to 9 is shown as
 * "fewer than 10".
 *
 * Properties: `site` ({ id, name, role }).
 */
import { LitElement, css, html, nothing } from "lit";
import type { ConsoleMe } from "../../worker/contract";
import { ConsoleApiError, api } from "../api";
import "../chart";
import { shared } from "../styles";

interface Figures {
  impressions: number | null;
  decisions: number | null;
  noAnswer: number | null;
  actions: Record<"accept_all" | "reject_all" | "custom" | "withdraw", number | null>;
  granted: Record<string, number | null>;
  grantedShare: Record<string, number | null>;
  gpc: number | null;
  gpcShare: number | null;
  gpcApplied: number | null;
  acceptAllShare: number | null;
}

interface Stats {
  from: string;
  to: string;
  categories: string[];
  totals: Figures;
  daily: (Figures & { day: string })[];
  regime: (Figures & { key: string })[];
  country: (Figures & { key: string })[];
  locale: (Figures & { key: string })[];
}

const count = (n: number | null) => (n === null ? "fewer than 10" : n.toLocaleString("en"));
const pct = (n: number | null) => (n === null ? "—" : `${(n * 100).toFixed(1)} %`);
const isoDay = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

export class ConsoleSiteStats extends LitElement {
  static override styles = [
    shared,
    css`
      .cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(11rem, 1fr)); gap: 0.75rem; margin: 1rem 0; padding: 0; list-style: none; }
      .cards li { border: 1px solid var(--c-border); border-radius: 8px; padding: 0.5rem 0.75rem; }
      .cards strong { display: block; font-size: 1.35rem; }
      details { margin: 0.5rem 0 1.5rem; }
    `,
  ];
  static override properties = { site: { attribute: false }, stats: { state: true }, from: { state: true }, to: { state: true }, status: { state: true } };
  declare site: ConsoleMe["sites"][number];
  declare stats: Stats | null;
  declare from: string;
  declare to: string;
  declare status: string;

  constructor() {
    super();
    this.stats = null;
    this.from = isoDay(-29);
    this.to = isoDay(0);
    this.status = "";
  }

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has("site")) void this.load();
  }

  private async load(): Promise<void> {
    try {
      this.stats = await api<Stats>(`/sites/${this.site.id}/stats?from=${this.from}&to=${this.to}`);
      this.status = `From ${this.from} to ${this.to} (UTC).`;
    } catch (err) {
      this.status = err instanceof ConsoleApiError ? `${err.problem.title}: ${err.problem.detail}` : String(err);
    }
  }

  private csv(view: string) {
    return `/console/api/sites/${this.site.id}/stats/export?from=${this.from}&to=${this.to}&view=${view}`;
  }

  private table(label: string, head: string, rows: (Figures & { key: string })[], view: string, chart = true) {
    const cats = this.stats!.categories;
    return html`<h2>${label}</h2>
      ${chart && rows.length > 0
        ? html`<console-chart caption="Decisions ${label.toLowerCase()}" .groups=${rows.map((r) => r.key)}
            .series=${[{ label: "Decisions", values: rows.map((r) => r.decisions), color: ["#1d4ed8", "#93b4ff"] }]}></console-chart>`
        : nothing}
      ${rows.length === 0
        ? html`<p>Nothing counted in this range.</p>`
        : html`<div class="table-wrap" tabindex="0" role="region" aria-label=${label}><table>
            <thead><tr><th scope="col">${head}</th><th scope="col">Banners shown</th><th scope="col">Decisions</th><th scope="col">Accept all</th><th scope="col">Reject all</th><th scope="col">Custom</th>
              ${cats.map((c) => html`<th scope="col">Granted ${c}</th>`)}<th scope="col">With GPC</th></tr></thead>
            <tbody>${rows.map(
              (r) => html`<tr><th scope="row">${r.key}</th><td>${count(r.impressions)}</td><td>${count(r.decisions)}</td><td>${count(r.actions.accept_all)}</td>
                <td>${count(r.actions.reject_all)}</td><td>${count(r.actions.custom)}</td>${cats.map((c) => html`<td>${count(r.granted[c] ?? 0)}</td>`)}<td>${count(r.gpc)}</td></tr>`,
            )}</tbody></table></div>`}
      <p><a href=${this.csv(view)} download>${label} as CSV</a></p>`;
  }

  override render() {
    const s = this.stats;
    const name = this.site.name ?? this.site.id;
    return html`<h1 tabindex="-1">What visitors chose on ${name}</h1>
      <p class="muted">Daily counts kept per day, regime, country and language: no identifier, no IP address, nothing per visitor. A count from 1 to 9 is shown as “fewer than 10”.</p>
      <form class="row" @submit=${(e: SubmitEvent) => (e.preventDefault(), void this.load())}>
        <div class="field"><label for="s-from">From</label><input id="s-from" type="date" .value=${this.from} @input=${(e: Event) => (this.from = (e.target as HTMLInputElement).value)}></div>
        <div class="field"><label for="s-to">To (included)</label><input id="s-to" type="date" .value=${this.to} @input=${(e: Event) => (this.to = (e.target as HTMLInputElement).value)}></div>
        <button type="submit">Show</button>
      </form>
      <p role="status" aria-live="polite">${this.status}</p>
      ${s
        ? html`
            <ul class="cards" aria-label="Totals">
              <li>Banners shown<strong>${count(s.totals.impressions)}</strong></li>
              <li>Decisions<strong>${count(s.totals.decisions)}</strong></li>
              <li>No answer<strong>${count(s.totals.noAnswer)}</strong></li>
              <li>Accepted all<strong>${pct(s.totals.acceptAllShare)}</strong></li>
              ${s.categories.map((c) => html`<li>Granted ${c}<strong>${pct(s.totals.grantedShare[c] ?? null)}</strong></li>`)}
              <li>With Global Privacy Control<strong>${pct(s.totals.gpcShare)}</strong></li>
              <li>GPC changed something<strong>${count(s.totals.gpcApplied)}</strong></li>
            </ul>
            <console-chart caption="Banners shown and decisions per day" .days=${s.daily.map((d) => d.day)}
              .series=${[
                { label: "Banners shown", values: s.daily.map((d) => d.impressions), color: ["#1d4ed8", "#93b4ff"] },
                { label: "Decisions", values: s.daily.map((d) => d.decisions), color: ["#b45309", "#fbbf24"] },
              ]}></console-chart>
            <console-chart caption="How visitors answered, per day" .days=${s.daily.map((d) => d.day)}
              .series=${[
                { label: "Accept all", values: s.daily.map((d) => d.actions.accept_all), color: ["#047857", "#6ee7b7"] },
                { label: "Reject all", values: s.daily.map((d) => d.actions.reject_all), color: ["#b91c1c", "#fca5a5"] },
                { label: "Custom", values: s.daily.map((d) => d.actions.custom), color: ["#6d28d9", "#c4b5fd"] },
              ]}></console-chart>
            <details><summary>The numbers per day</summary>
              ${this.table("Per day", "Day", s.daily.map(({ day, ...f }) => ({ key: day, ...f })), "daily", false)}
            </details>
            ${this.table("By regime", "Regime", s.regime, "regime")}
            ${this.table("By country", "Country", s.country, "country")}
            ${this.table("By language", "Language", s.locale, "locale")}`
        : nothing}`;
  }
}

customElements.define("console-site-stats", ConsoleSiteStats);
