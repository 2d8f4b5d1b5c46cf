/**
 * `<console-site-versions>`: every published version of a site's configuration (who, when,
 * how, its policy fingerprint), the differences between any two, and, for owners, rolling back
 * to an earlier one. A rollback publishes the old document again as a new version, so the
 * history only grows; the Worker says whether it is a material change before it is made.
 *
 * Properties: `site` ({ id, name, role }).
 * Events: `config-published` (after a rollback).
 */
import { LitElement, css, html, nothing } from "lit";
import type { ConsoleMaterialReason, ConsoleMe, ConsoleVersion } from "../../worker/contract";
import { ConsoleApiError, api } from "../api";
import { type DiffLine, diff, show } from "../diff";
import { shared } from "../styles";
import { reasonText } from "./site-config";

const SOURCE: Record<ConsoleVersion["source"], string> = { console: "console", rollback: "rollback", cli: "command line", create: "site created" };

export class ConsoleSiteVersions extends LitElement {
  static override styles = [
    shared,
    css`
      td.before { color: var(--c-danger); }
      .panel { border: 2px solid var(--c-border); border-radius: 8px; padding: 0.75rem 1rem; margin: 1rem 0; }
    `,
  ];
  static override properties = {
    site: { attribute: false },
    versions: { state: true },
    from: { state: true },
    to: { state: true },
    lines: { state: true },
    confirm: { state: true },
    status: { state: true },
    busy: { state: true },
  };
  declare site: ConsoleMe["sites"][number];
  declare versions: ConsoleVersion[] | null;
  declare from: number;
  declare to: number;
  declare lines: DiffLine[] | null;
  declare confirm: number | null;
  declare status: string;
  declare busy: boolean;

  constructor() {
    super();
    this.versions = null;
    this.from = 0;
    this.to = 0;
    this.lines = null;
    this.confirm = null;
    this.status = "";
    this.busy = false;
  }

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has("site")) void this.load();
  }

  private async load(): Promise<void> {
    try {
      this.versions = (await api<{ versions: ConsoleVersion[] }>(`/sites/${this.site.id}/versions`)).versions;
      this.to = this.versions[0]?.version ?? 0;
      this.from = this.versions[1]?.version ?? this.to;
      this.lines = null;
    } catch (err) {
      this.status = err instanceof Error ? err.message : String(err);
    }
  }

  private async compare(): Promise<void> {
    const get = (n: number) => api<{ config: unknown }>(`/sites/${this.site.id}/versions/${n}`);
    const [a, b] = await Promise.all([get(this.from), get(this.to)]);
    this.lines = diff(a.config, b.config);
    this.status = this.lines.length ? `Version ${this.from} and version ${this.to} differ in ${this.lines.length} place${this.lines.length === 1 ? "" : "s"}.` : `Version ${this.from} and version ${this.to} are the same.`;
  }

  private async rollback(n: number): Promise<void> {
    this.busy = true;
    try {
      const r = await api<{ version: number; material: { changes: boolean; reasons: ConsoleMaterialReason[] } }>(`/sites/${this.site.id}/versions/${n}/rollback`, {
        method: "POST",
        body: { basedOn: this.versions?.[0]?.configHash ?? null },
      });
      await this.load();
      this.status = `Version ${n} is live again, as version ${r.version}.${r.material.changes ? ` It was a material change: ${r.material.reasons.map(reasonText).join("; ")}; visitors are asked again.` : " Nobody is asked again."}`;
      this.dispatchEvent(new CustomEvent("config-published", { bubbles: true, composed: true }));
    } catch (err) {
      this.status = err instanceof ConsoleApiError ? `${err.problem.title}: ${err.problem.detail}` : String(err);
    } finally {
      this.busy = false;
      this.confirm = null;
    }
  }

  private select(label: string, value: number, set: (n: number) => void) {
    const id = `v-${label.toLowerCase()}`;
    return html`<div class="field"><label for=${id}>${label}</label>
      <select id=${id} @change=${(e: Event) => set(Number((e.target as HTMLSelectElement).value))}>
        ${this.versions!.map((v) => html`<option .value=${String(v.version)} ?selected=${v.version === value}>Version ${v.version}</option>`)}
      </select></div>`;
  }

  override render() {
    const name = this.site.name ?? this.site.id;
    const owner = this.site.role === "owner";
    // One heading element whether loaded or not (the app focuses it after a navigation).
    return html`<h1 tabindex="-1">Versions of ${name}</h1>${this.versions ? this.body(owner) : html`<p role="status">${this.status || "Loading…"}</p>`}`;
  }

  private body(owner: boolean) {
    if (!this.versions) return nothing;
    const live = this.versions[0]?.version;
    return html`
      <p role="status" aria-live="polite">${this.status}</p>
      ${this.versions.length === 0
        ? html`<p>No version is recorded yet. Publishing from the Configuration page, or <code>npm run sites -- push</code>, records one.</p>`
        : html`<div class="table-wrap" tabindex="0" role="region" aria-label="Versions">
              <table>
                <thead><tr><th scope="col">Version</th><th scope="col">Published</th><th scope="col">By</th><th scope="col">How</th><th scope="col">Policy fingerprint</th>${owner ? html`<th scope="col">Roll back</th>` : nothing}</tr></thead>
                <tbody>${this.versions.map(
                  (v) => html`<tr>
                    <th scope="row">${v.version}${v.version === live ? html` <span class="muted">(live)</span>` : nothing}</th>
                    <td><time datetime=${v.publishedAt}>${v.publishedAt.replace("T", " ").slice(0, 19)}</time></td>
                    <td><code>${v.publishedBy}</code></td>
                    <td>${SOURCE[v.source]}${v.restoredFrom ? ` of version ${v.restoredFrom}` : ""}</td>
                    <td><code>${v.fingerprint}</code></td>
                    ${owner
                      ? html`<td>${v.version === live ? nothing : html`<button class="secondary" type="button" ?disabled=${this.busy} @click=${() => (this.confirm = v.version)}>Roll back to ${v.version}</button>`}</td>`
                      : nothing}
                  </tr>`,
                )}</tbody>
              </table>
            </div>
            ${this.confirm !== null
              ? html`<section class="panel" aria-labelledby="rb-title"><h2 id="rb-title">Make version ${this.confirm} live again?</h2>
                  <p>It is published as a new version; if its categories, vendors, storage or regimes differ from what is live, every visitor is asked again.</p>
                  <div class="row"><button type="button" ?disabled=${this.busy} @click=${() => void this.rollback(this.confirm!)}>Roll back to version ${this.confirm}</button>
                  <button type="button" class="secondary" @click=${() => (this.confirm = null)}>Cancel</button></div></section>`
              : nothing}
            <h2>Compare two versions</h2>
            <div class="row">
              ${this.select("From", this.from, (n) => (this.from = n))}
              ${this.select("To", this.to, (n) => (this.to = n))}
              <button type="button" @click=${() => void this.compare()}>Compare</button>
            </div>
            ${this.lines && this.lines.length
              ? html`<div class="table-wrap" tabindex="0" role="region" aria-label="Differences">
                  <table><thead><tr><th scope="col">Where</th><th scope="col">Version ${this.from}</th><th scope="col">Version ${this.to}</th></tr></thead>
                  <tbody>${this.lines.map((l) => html`<tr><th scope="row"><code>${l.path}</code></th><td class="before"><code>${show(l.before)}</code></td><td><code>${show(l.after)}</code></td></tr>`)}</tbody></table>
                </div>`
              : nothing}`}
    `;
  }
}

customElements.define("console-site-versions", ConsoleSiteVersions);
