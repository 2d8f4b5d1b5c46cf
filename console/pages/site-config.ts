/**
 * `<console-site-config>`: edit a site's configuration and publish it.
 *
 * The draft starts as the live document. It is edited in a form drawn from the contract's
 * schema (`<console-config-form>`), as raw JSON, or both side by side: views of the same
 * draft, each edit in one shown at once in the other. "Check" has the
 * Worker validate it with the schema the CLI uses and shows every problem at its field; "Review
 * and publish" (owners) then says, before anything is written, whether the policy fingerprint
 * changes and why (every visitor will be asked again), or that nobody will be asked again.
 * A publish carries the hash of the version the draft started from, so a colleague's publish
 * in between is refused (409) instead of overwritten. "Preview" shows the draft in the real
 * widget (an iframe of worker/console/preview.ts), in any language, as a visitor in the EU, in
 * California, with Global Privacy Control, light or dark, banner or preference center.
 *
 * Storage entries a compliance scan suggested arrive here from the scans page ("Add to config
 * draft", ../draft-additions.ts): they are added to the draft when it is built, and the status
 * says what was added, what was there already, and which categories are missing.
 *
 * Properties: `site` ({ id, name, role }).
 * Events: `config-published` (the app reloads the site's name).
 */
import { LitElement, css, html, nothing } from "lit";
import type { ConsoleDraftCheck, ConsoleLiveConfig, ConsoleMaterialReason, ConsoleMe } from "../../worker/contract";
import { ConsoleApiError, api } from "../api";
import { type ConsoleConfigForm, type JsonSchema } from "../config-form";
import "../config-form";
import { type AdditionResult, addStorageEntries, takeDraftAdditions } from "../draft-additions";
import { shared } from "../styles";

/** A material reason in words. */
export function reasonText(r: ConsoleMaterialReason): string {
  const what = { category: "Category", vendor: "Vendor", storage: "Cookie or storage item", list: "Email list", regimes: "The regime rules", revision: "The material revision" }[r.subject];
  if (r.subject === "regimes") return "The rules for which regime applies where changed";
  if (r.subject === "revision") return `The material revision was changed (${r.name.replace("materialRevision ", "")})`;
  if (r.change === "changed") return `${what} “${r.name}”: ${r.fields?.join(", ")} changed`;
  return `${what} “${r.name}” ${r.change}`;
}

/** What adding a scan's suggested storage entries to the draft did, in words. */
function additionStatus(source: string, r: AdditionResult): string {
  const names = (list: { category: string; name: string }[]) => list.map((e) => `${e.name} (${e.category})`).join(", ");
  const parts = [
    r.added.length
      ? `Added to the draft from ${source}: ${names(r.added)}. Nothing is live until you review and publish.`
      : `Nothing was added to the draft from ${source}.`,
  ];
  if (r.present.length) parts.push(`Already in the configuration: ${names(r.present)}.`);
  if (r.missing.length) parts.push(`No category ${r.missing.map((m) => `“${m}”`).join(", ")} in the configuration: add it first, or put those entries in another category.`);
  return parts.join(" ");
}

let schemaCache: Promise<JsonSchema> | null = null;

export class ConsoleSiteConfig extends LitElement {
  static override styles = [
    shared,
    css`
      .views { display: flex; gap: 0.5rem; margin: 1rem 0; flex-wrap: wrap; }
      .views button[aria-pressed="true"] { background: var(--c-accent); color: var(--c-on-accent); }
      .both { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 1rem; align-items: start; }
      .both textarea.json { position: sticky; top: 0.5rem; min-height: 40rem; }
      @media (max-width: 60rem) { .both { grid-template-columns: minmax(0, 1fr); } }
      textarea.json { width: 100%; min-height: 30rem; box-sizing: border-box; font: 0.9rem/1.4 ui-monospace, monospace; padding: 0.5rem; border: 1px solid var(--c-border); border-radius: 6px; background: var(--c-bg); color: var(--c-fg); }
      .panel { border: 2px solid var(--c-border); border-radius: 8px; padding: 0.75rem 1rem; margin: 1rem 0; }
      .panel.warn { border-color: var(--c-danger); }
      .actions { display: flex; gap: 0.75rem; flex-wrap: wrap; margin: 1rem 0; position: sticky; bottom: 0; background: var(--c-bg); padding: 0.5rem 0; border-top: 1px solid var(--c-border); }
      ul.problems button { background: none; border: none; color: var(--c-accent); text-decoration: underline; padding: 0; min-height: 24px; font-weight: 400; text-align: start; }
      iframe { width: 100%; height: 36rem; border: 2px solid var(--c-border); border-radius: 8px; background: #fff; }
    `,
  ];

  static override properties = {
    site: { attribute: false },
    live: { state: true },
    schema: { state: true },
    view: { state: true },
    jsonText: { state: true },
    jsonError: { state: true },
    errors: { state: true },
    checked: { state: true },
    confirming: { state: true },
    status: { state: true },
    busy: { state: true },
    preview: { state: true },
  };

  declare site: ConsoleMe["sites"][number];
  declare live: ConsoleLiveConfig | null;
  declare schema: JsonSchema | null;
  declare view: "form" | "json" | "both";
  declare jsonText: string;
  declare jsonError: string;
  declare errors: { path: string; message: string }[];
  declare checked: ConsoleDraftCheck | null;
  declare confirming: boolean;
  declare status: string;
  declare busy: boolean;
  /** The live preview: the id of the draft it shows (null: none yet, or the draft changed since) and what it simulates. */
  declare preview: { id: string | null; src: string; mode: string; lang: string; scheme: string; view: string };
  /** The draft, edited in place by the form. */
  private draft: Record<string, unknown> = {};

  constructor() {
    super();
    this.live = null;
    this.schema = null;
    this.view = "form";
    this.jsonText = "";
    this.jsonError = "";
    this.errors = [];
    this.checked = null;
    this.confirming = false;
    this.status = "";
    this.busy = false;
    this.preview = { id: null, src: "", mode: "opt-in", lang: "", scheme: "light", view: "banner" };
  }

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has("site")) void this.load();
  }

  private async load(): Promise<void> {
    try {
      schemaCache ??= api<JsonSchema>("/schema/site-config");
      const [live, schema] = await Promise.all([api<ConsoleLiveConfig>(`/sites/${this.site.id}/config`), schemaCache]);
      this.schema = schema;
      this.live = live;
      this.draft = structuredClone(live.config) as Record<string, unknown>;
      const additions = takeDraftAdditions(this.site.id);
      if (additions) this.status = additionStatus(additions.source, addStorageEntries(this.draft, additions.storage));
      this.jsonText = JSON.stringify(this.draft, null, 2);
      this.errors = [];
      this.checked = null;
      this.confirming = false;
    } catch (err) {
      this.status = err instanceof Error ? err.message : String(err);
    }
  }

  private edited(): void {
    this.checked = null;
    this.confirming = false;
    this.preview = { ...this.preview, id: null };
    // The form changed the draft: the JSON shows it (when the JSON was typed, it is the JSON already).
    if (this.view !== "json" && !this.typing) this.jsonText = JSON.stringify(this.draft, null, 2);
  }

  /** True while an edit comes from the JSON text area (its text is kept as typed). */
  private typing = false;

  private onJson(text: string): void {
    this.jsonText = text;
    this.typing = true;
    try {
      const parsed = JSON.parse(text) as unknown;
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error("the document must be a JSON object");
      this.draft = parsed as Record<string, unknown>;
      this.jsonError = "";
    } catch (err) {
      this.jsonError = `Not valid JSON: ${err instanceof Error ? err.message : String(err)}. The form shows the last valid version.`;
    }
    this.edited();
    this.typing = false;
  }

  /** Asks the Worker; true when the draft is valid (then `checked` says what it changes). */
  private async check(): Promise<boolean> {
    if (this.jsonError) {
      this.status = "Fix the JSON first.";
      return false;
    }
    this.busy = true;
    try {
      this.checked = await api<ConsoleDraftCheck>(`/sites/${this.site.id}/config/check`, { method: "POST", body: { config: this.draft } });
      this.errors = [];
      this.status = this.checked.changed ? "The draft is valid." : "The draft is valid, and the same as what is live.";
      return true;
    } catch (err) {
      this.checked = null;
      if (err instanceof ConsoleApiError && err.problem.code === "invalid_config") {
        this.errors = err.problem.errors ?? [{ path: "(root)", message: err.problem.detail }];
        this.status = `The draft has ${this.errors.length === 1 ? "1 problem" : `${this.errors.length} problems`}; each is shown at its field.`;
      } else this.status = err instanceof Error ? err.message : String(err);
      return false;
    } finally {
      this.busy = false;
    }
  }

  private async review(): Promise<void> {
    if ((await this.check()) && this.checked?.changed) {
      this.confirming = true;
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>("#review")?.focus();
    }
  }

  private async publish(): Promise<void> {
    this.busy = true;
    try {
      const r = await api<{ version: number | null; changed: boolean }>(`/sites/${this.site.id}/config`, {
        method: "PUT",
        body: { config: this.draft, basedOn: this.live?.latest?.configHash ?? null },
      });
      await this.load();
      this.status = r.changed ? `Published version ${r.version}.` : "Nothing to publish: the draft is what is live.";
      this.dispatchEvent(new CustomEvent("config-published", { bubbles: true, composed: true }));
    } catch (err) {
      this.confirming = false;
      this.status =
        err instanceof ConsoleApiError && err.problem.code === "version_conflict"
          ? "Someone published a newer version while you were editing. Reload to start from it (your changes here are not kept)."
          : err instanceof ConsoleApiError
            ? `${err.problem.title}: ${err.problem.detail}`
            : String(err);
    } finally {
      this.busy = false;
    }
  }

  /** Shows the draft in the real widget: stores it (once per version of the draft), then points the iframe at it. */
  private async showPreview(): Promise<void> {
    if (this.jsonError) {
      this.status = "Fix the JSON first.";
      return;
    }
    this.busy = true;
    try {
      let id = this.preview.id;
      if (!id) {
        id = (await api<{ id: string }>(`/sites/${this.site.id}/previews`, { method: "POST", body: { config: this.draft } })).id;
        this.errors = [];
      }
      const { mode, lang, scheme, view } = this.preview;
      const query = new URLSearchParams({ mode, scheme, view, ...(lang ? { lang } : {}) });
      this.preview = { ...this.preview, id, src: `/console/preview/${id}?${query}` };
      this.status = "The preview shows the draft.";
    } catch (err) {
      if (err instanceof ConsoleApiError && err.problem.code === "invalid_config") {
        this.errors = err.problem.errors ?? [];
        this.status = "The draft has problems; fix them to preview it.";
      } else this.status = err instanceof Error ? err.message : String(err);
    } finally {
      this.busy = false;
    }
  }

  private previewSelect(key: "mode" | "lang" | "scheme" | "view", label: string, options: [string, string][]) {
    return html`<div class="field"><label for="pv-${key}">${label}</label>
      <select id="pv-${key}" @change=${(e: Event) => {
        this.preview = { ...this.preview, [key]: (e.target as HTMLSelectElement).value };
        if (this.preview.src) void this.showPreview();
      }}>${options.map(([value, text]) => html`<option .value=${value} ?selected=${this.preview[key] === value}>${text}</option>`)}</select></div>`;
  }

  private previewSection() {
    const locales = Object.keys((this.draft.texts as Record<string, unknown> | undefined) ?? {});
    return html`<section aria-labelledby="preview-title">
      <h2 id="preview-title">Preview</h2>
      <p class="muted">The real widget showing this draft, before anything is published. Decisions made in it are not recorded.</p>
      <div class="row">
        ${this.previewSelect("mode", "Visitor", [
          ["opt-in", "In the EU (opt-in)"],
          ["opt-out", "In California (opt-out)"],
          ["gpc", "In California, with Global Privacy Control"],
          ["notice", "Where only a notice is needed"],
        ])}
        ${this.previewSelect("lang", "Language", [["", "The default"], ...locales.map((l): [string, string] => [l, l])])}
        ${this.previewSelect("scheme", "Colours", [["light", "Light"], ["dark", "Dark"]])}
        ${this.previewSelect("view", "View", [["banner", "The banner"], ["preferences", "The preference center"]])}
        <button type="button" class="secondary" ?disabled=${this.busy} @click=${() => void this.showPreview()}>${this.preview.src ? "Update the preview" : "Show the preview"}</button>
      </div>
      ${this.preview.src ? html`<iframe title="Preview of the draft in the widget" src=${this.preview.src}></iframe>` : nothing}
    </section>`;
  }

  private focusProblem(path: string): void {
    this.view = "form";
    void this.updateComplete.then(() => this.renderRoot.querySelector<ConsoleConfigForm>("console-config-form")?.focusPath(path));
  }

  private reviewPanel() {
    const c = this.checked!;
    const next = (this.live?.latest?.version ?? 0) + 1;
    return html`<section id="review" tabindex="-1" class="panel ${c.material.changes ? "warn" : ""}" aria-labelledby="review-title">
      <h2 id="review-title">Publish as version ${next}?</h2>
      ${c.material.changes
        ? html`<p><strong>This is a material change: every visitor who has decided will be asked again</strong>, because the policy fingerprint changes
            (<code>${c.liveFingerprint}</code> → <code>${c.fingerprint}</code>):</p>
            <ul>${c.material.reasons.map((r) => html`<li>${reasonText(r)}</li>`)}</ul>`
        : html`<p><strong>Nobody will be asked again:</strong> only wording, colours, languages or widget options change; the policy fingerprint stays <code>${c.fingerprint}</code>.</p>`}
      <div class="row">
        <button type="button" ?disabled=${this.busy} @click=${() => void this.publish()}>Publish version ${next}</button>
        <button type="button" class="secondary" @click=${() => (this.confirming = false)}>Cancel</button>
      </div>
    </section>`;
  }

  override render() {
    const name = this.site.name ?? this.site.id;
    const owner = this.site.role === "owner";
    // One heading element whether loaded or not: the app focuses it after a navigation, and a
    // heading replaced when the data arrives would drop that focus.
    return html`<h1 tabindex="-1">Configuration of ${name}</h1>${this.live && this.schema ? this.body(owner) : html`<p role="status">${this.status || "Loading…"}</p>`}`;
  }

  private body(owner: boolean) {
    if (!this.live) return nothing;
    return html`
      <p class="muted">Live: ${this.live.latest ? `version ${this.live.latest.version}` : "not yet recorded as a version"}, policy fingerprint <code>${this.live.fingerprint}</code>.
        ${owner ? "" : "You are a viewer: you can check a draft, not publish it."}</p>
      ${this.live.outOfSync ? html`<p class="error">The live configuration differs from the latest recorded version: it was written outside the console and the command line.</p>` : nothing}
      <p role="status" aria-live="polite">${this.status}</p>
      ${this.errors.length
        ? html`<div class="panel warn"><h2>Problems</h2><ul class="problems">${this.errors.map(
            (e) => html`<li><button type="button" @click=${() => this.focusProblem(e.path)}>${e.path}</button>: ${e.message}</li>`,
          )}</ul></div>`
        : nothing}
      <div class="views" role="group" aria-label="Edit as">
        ${(
          [
            ["form", "Form"],
            ["both", "Form and JSON side by side"],
            ["json", "JSON"],
          ] as const
        ).map(
          ([view, label]) => html`<button type="button" class="secondary" aria-pressed=${this.view === view ? "true" : "false"}
            ?disabled=${view !== "json" && !!this.jsonError} @click=${() => ((this.jsonText = JSON.stringify(this.draft, null, 2)), (this.view = view))}>${label}</button>`,
        )}
      </div>
      <div class=${this.view === "both" ? "both" : ""}>
        ${this.view !== "json"
          ? html`<console-config-form .schema=${this.schema} .value=${this.draft} .errors=${this.errors} @draft-input=${() => this.edited()}></console-config-form>`
          : nothing}
        ${this.view !== "form"
          ? html`<div><label for="json">The configuration as JSON (the same document <code>npm run sites -- push</code> takes)</label>
              <textarea id="json" class="json" spellcheck="false" .value=${this.jsonText} aria-invalid=${this.jsonError ? "true" : "false"}
                aria-describedby=${this.jsonError ? "json-error" : nothing} @input=${(e: Event) => this.onJson((e.target as HTMLTextAreaElement).value)}></textarea>
              ${this.jsonError ? html`<p class="error" id="json-error">${this.jsonError}</p>` : nothing}</div>`
          : nothing}
      </div>
      ${this.previewSection()}
      ${this.confirming && this.checked ? this.reviewPanel() : nothing}
      <div class="actions">
        <button type="button" class="secondary" ?disabled=${this.busy} @click=${() => void this.check()}>Check</button>
        ${owner ? html`<button type="button" ?disabled=${this.busy} @click=${() => void this.review()}>Review and publish</button>` : nothing}
        <button type="button" class="secondary" ?disabled=${this.busy} @click=${() => void this.load().then(() => (this.status = "Reloaded the live configuration."))}>Discard changes</button>
      </div>
    `;
  }
}

customElements.define("console-site-config", ConsoleSiteConfig);
