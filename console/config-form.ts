/**
 * `<console-config-form>`: a site configuration as a form, drawn from the JSON Schema the Worker
 * generates from the contract's zod schema (GET /console/api/schema/site-config), so every
 * field of SiteConfig has a control and the form cannot drift from what the Worker accepts.
 *
 * Objects are fieldsets, lists have Add and Remove, a list of fixed choices is a group of
 * checkboxes, a list of short strings (origins, countries) one per line, fixed choices a
 * select, long texts a text area, optional sections (email, Turnstile) can be added and
 * removed, and per-language texts get "Add a language". Labels and help come from
 * ./field-guide.ts. Problems the Worker reported (`errors`, by path) are shown at their field.
 *
 * Properties: `schema` (JSON Schema), `value` (the draft, edited in place), `errors`
 * ({ path, message }[]), `readonly`.
 * Events: `draft-input` (after every edit; the draft object is the same, changed).
 */
import { LitElement, type TemplateResult, css, html, nothing } from "lit";
import { guide, labelOf } from "./field-guide";
import { shared } from "./styles";

/** The parts of JSON Schema the Worker's generated schema uses. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: JsonSchema | boolean;
  propertyNames?: JsonSchema;
  items?: JsonSchema;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  default?: unknown;
  maxLength?: number;
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
}

type Path = (string | number)[];
type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** The schema without a `null` alternative, and whether null is allowed. */
function unwrap(schema: JsonSchema): { schema: JsonSchema; nullable: boolean } {
  if (schema.anyOf) {
    const other = schema.anyOf.filter((s) => s.type !== "null");
    if (other.length === 1) return { schema: { ...other[0]!, default: schema.default }, nullable: other.length < schema.anyOf.length };
  }
  return { schema, nullable: false };
}

const typeOf = (s: JsonSchema) => (Array.isArray(s.type) ? s.type.find((t) => t !== "null") : s.type);

/** A fresh value for a schema: its default, or the empty shape with its required fields. */
export function emptyOf(schema: JsonSchema): unknown {
  const { schema: s, nullable } = unwrap(schema);
  if (s.default !== undefined) return structuredClone(s.default);
  if (s.enum) return s.enum[0];
  switch (typeOf(s)) {
    case "object": {
      const out: Obj = {};
      for (const key of s.required ?? []) out[key] = emptyOf(s.properties![key]!);
      return out;
    }
    case "array":
      return [];
    case "boolean":
      return false;
    case "integer":
    case "number":
      return nullable ? null : (s.minimum ?? 0);
    default:
      return "";
  }
}

/** A DOM id for a field's path (unique within the form). */
export const fieldId = (path: Path) => `f-${path.join(".")}`;

export class ConsoleConfigForm extends LitElement {
  static override styles = [
    shared,
    css`
      fieldset { border: 1px solid var(--c-border); border-radius: 8px; margin: 0.75rem 0; padding: 0.5rem 0.75rem 0.75rem; min-width: 0; }
      legend { font-weight: 700; padding: 0 0.25rem; }
      .field { margin: 0.5rem 0; }
      .help { color: var(--c-muted); font-size: 0.9rem; margin: 0; }
      input[type="text"], input[type="url"], input[type="email"], input[type="number"], input[type="date"], textarea, select { width: 100%; }
      textarea { font: inherit; min-height: 5rem; box-sizing: border-box; padding: 0.4rem 0.5rem; border: 1px solid var(--c-border); border-radius: 6px; background: var(--c-bg); color: var(--c-fg); }
      .check { display: flex; gap: 0.5rem; align-items: center; min-height: 44px; }
      .check input { width: 1.25rem; height: 1.25rem; min-height: 0; }
      .choices { display: flex; flex-wrap: wrap; gap: 0 1.25rem; }
      .field-error { color: var(--c-danger); font-weight: 600; margin: 0.25rem 0 0; }
      [aria-invalid="true"] { border-color: var(--c-danger); border-width: 2px; }
      .item-head { display: flex; justify-content: space-between; align-items: center; gap: 0.5rem; flex-wrap: wrap; }
    `,
  ];

  static override properties = {
    schema: { attribute: false },
    value: { attribute: false },
    errors: { attribute: false },
    readonly: { type: Boolean },
  };

  declare schema: JsonSchema;
  declare value: Obj;
  declare errors: { path: string; message: string }[];
  declare readonly: boolean;

  constructor() {
    super();
    this.errors = [];
    this.readonly = false;
  }

  /** Moves the focus to the field of `path` (or its nearest ancestor that has one). */
  focusPath(path: string): void {
    const parts = path.split(".");
    for (let n = parts.length; n > 0; n--) {
      const el = this.renderRoot.querySelector<HTMLElement>(`[id="${CSS.escape(`f-${parts.slice(0, n).join(".")}`)}"]`);
      if (el) {
        el.scrollIntoView({ block: "center" });
        (el.matches("fieldset") ? (el.querySelector<HTMLElement>("input, select, textarea, button") ?? el) : el).focus();
        return;
      }
    }
  }

  private changed(): void {
    this.requestUpdate();
    this.dispatchEvent(new CustomEvent("draft-input", { bubbles: true, composed: true }));
  }

  /** Problems reported exactly at this path. */
  private errorsAt(path: Path) {
    const key = path.join(".");
    return this.errors.filter((e) => e.path === key);
  }

  private errorLines(path: Path) {
    const list = this.errorsAt(path);
    return list.length ? html`<p class="field-error" id="${fieldId(path)}-error">${list.map((e) => e.message).join("; ")}</p>` : nothing;
  }

  private describedBy(path: Path): string | typeof nothing {
    const ids = [];
    if (guide(path)?.help) ids.push(`${fieldId(path)}-help`);
    if (this.errorsAt(path).length) ids.push(`${fieldId(path)}-error`);
    return ids.length ? ids.join(" ") : nothing;
  }

  private help(path: Path) {
    const text = guide(path)?.help;
    return text ? html`<p class="help" id="${fieldId(path)}-help">${text}</p>` : nothing;
  }

  private set(parent: Obj | unknown[], key: string | number, value: unknown): void {
    (parent as Obj)[key as string] = value;
    this.changed();
  }

  /** One property of `parent` under `path`. */
  private field(schema: JsonSchema, parent: Obj | unknown[], key: string | number, path: Path, optional: boolean): TemplateResult {
    const { schema: s, nullable } = unwrap(schema);
    const value = (parent as Obj)[key as string];
    const label = labelOf(path);
    const id = fieldId(path);
    const type = typeOf(s);

    if (type === "object") {
      if (value === undefined) {
        return html`<div class="field">
          <button class="secondary" type="button" ?disabled=${this.readonly} @click=${() => this.set(parent, key, emptyOf(s))}>Add ${label}</button>
          ${this.help(path)}${this.errorLines(path)}
        </div>`;
      }
      return this.object(s, value as Obj, path, label, optional ? () => this.removeAt(parent, key) : undefined);
    }
    if (type === "array") return this.array(s, parent, key, (value as unknown[] | undefined) ?? [], path, label);

    if (type === "boolean") {
      return html`<div class="field">
        <label class="check"><input id=${id} type="checkbox" .checked=${value === true} ?disabled=${this.readonly}
          aria-describedby=${this.describedBy(path)} @change=${(e: Event) => this.set(parent, key, (e.target as HTMLInputElement).checked)}>${label}</label>
        ${this.help(path)}${this.errorLines(path)}
      </div>`;
    }

    const invalid = this.errorsAt(path).length > 0 ? "true" : "false";
    let control: TemplateResult;
    if (s.enum) {
      control = html`<select id=${id} ?disabled=${this.readonly} aria-invalid=${invalid} aria-describedby=${this.describedBy(path)}
        @change=${(e: Event) => this.set(parent, key, (e.target as HTMLSelectElement).value)}>
        ${optional && value === undefined ? html`<option value="" selected>—</option>` : nothing}
        ${s.enum.map((o) => html`<option .value=${String(o)} ?selected=${o === value}>${String(o)}</option>`)}
      </select>`;
    } else if (type === "integer" || type === "number") {
      control = html`<input id=${id} type="number" inputmode="numeric" .value=${value === null || value === undefined ? "" : String(value)}
        min=${s.minimum ?? nothing} max=${s.maximum ?? nothing} ?disabled=${this.readonly} aria-invalid=${invalid} aria-describedby=${this.describedBy(path)}
        @input=${(e: Event) => {
          const raw = (e.target as HTMLInputElement).value.trim();
          if (raw === "") return optional ? this.removeAt(parent, key) : this.set(parent, key, nullable ? null : raw);
          this.set(parent, key, Number.isFinite(Number(raw)) ? Number(raw) : raw);
        }}>`;
    } else if ((s.maxLength ?? 0) > 300 && !s.format) {
      control = html`<textarea id=${id} .value=${String(value ?? "")} maxlength=${s.maxLength ?? nothing} ?disabled=${this.readonly}
        aria-invalid=${invalid} aria-describedby=${this.describedBy(path)} @input=${(e: Event) => this.setText(parent, key, (e.target as HTMLTextAreaElement).value, optional)}></textarea>`;
    } else {
      const inputType = s.format === "uri" ? "url" : s.format === "email" ? "email" : s.format === "date" ? "date" : "text";
      control = html`<input id=${id} type=${inputType} .value=${String(value ?? "")} maxlength=${s.maxLength ?? nothing} ?disabled=${this.readonly}
        aria-invalid=${invalid} aria-describedby=${this.describedBy(path)} @input=${(e: Event) => this.setText(parent, key, (e.target as HTMLInputElement).value, optional)}>`;
    }
    return html`<div class="field"><label for=${id}>${label}${optional ? html` <span class="muted">(optional)</span>` : nothing}</label>${control}${this.help(path)}${this.errorLines(path)}</div>`;
  }

  /** Text input: an empty optional field is left out of the document. */
  private setText(parent: Obj | unknown[], key: string | number, text: string, optional: boolean): void {
    if (optional && text === "") this.removeAt(parent, key);
    else this.set(parent, key, text);
  }

  private removeAt(parent: Obj | unknown[], key: string | number): void {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key as string];
    this.changed();
  }

  private object(s: JsonSchema, value: Obj, path: Path, label: string, onRemove?: () => void): TemplateResult {
    const props = s.properties ?? {};
    const record = typeof s.additionalProperties === "object" ? s.additionalProperties : null;
    return html`<fieldset id=${fieldId(path)} aria-describedby=${this.describedBy(path)}>
      <legend>${label}</legend>
      ${onRemove ? html`<button class="danger" type="button" ?disabled=${this.readonly} @click=${onRemove}>Remove ${label}</button>` : nothing}
      ${this.help(path)}${this.errorLines(path)}
      ${Object.entries(props).map(([k, child]) => this.field(child, value, k, [...path, k], !(s.required ?? []).includes(k)))}
      ${record
        ? html`${Object.keys(value).map((k) =>
            this.object(unwrap(record).schema, (value[k] as Obj) ?? {}, [...path, k], `${labelOf([...path, k])}`, () => this.removeAt(value, k)),
          )}
          ${this.addKey(record, value, path)}`
        : nothing}
    </fieldset>`;
  }

  /** "Add a language" (or another key) for a record such as `texts`. */
  private addKey(record: JsonSchema, value: Obj, path: Path) {
    const inputId = `${fieldId(path)}-new`;
    const what = guide(path)?.newKey ?? "entry";
    const add = () => {
      const input = this.renderRoot.querySelector<HTMLInputElement>(`[id="${CSS.escape(inputId)}"]`);
      const k = input?.value.trim() ?? "";
      if (!k || k in value) return;
      // A new language starts as a copy of the first one: only the wording needs changing.
      const first = Object.values(value)[0];
      value[k] = guide(path)?.copyFirst && first !== undefined ? structuredClone(first) : emptyOf(unwrap(record).schema);
      input!.value = "";
      this.changed();
    };
    return html`<div class="row">
      <div class="field"><label for=${inputId}>New ${what}</label><input id=${inputId} type="text" ?disabled=${this.readonly}
        @keydown=${(e: KeyboardEvent) => e.key === "Enter" && (e.preventDefault(), add())}></div>
      <button class="secondary" type="button" ?disabled=${this.readonly} @click=${add}>Add ${what}</button>
    </div>`;
  }

  private array(s: JsonSchema, parent: Obj | unknown[], key: string | number, list: unknown[], path: Path, label: string): TemplateResult {
    const items = unwrap(s.items ?? {}).schema;
    const id = fieldId(path);
    if (items.enum) {
      // A set of fixed choices: one checkbox each.
      return html`<fieldset id=${id}><legend>${label}</legend>${this.help(path)}${this.errorLines(path)}
        <div class="choices">${items.enum.map(
          (o) => html`<label class="check"><input type="checkbox" .checked=${list.includes(o)} ?disabled=${this.readonly}
            @change=${(e: Event) => this.set(parent, key, (e.target as HTMLInputElement).checked ? [...list, o] : list.filter((x) => x !== o))}>${String(o)}</label>`,
        )}</div></fieldset>`;
    }
    if (typeOf(items) !== "object") {
      // Short strings (origins, countries, regions): one per line.
      return html`<div class="field"><label for=${id}>${label} <span class="muted">(one per line)</span></label>
        <textarea id=${id} .value=${list.map(String).join("\n")} ?disabled=${this.readonly} aria-invalid=${this.errorsAt(path).length ? "true" : "false"}
          aria-describedby=${this.describedBy(path)}
          @input=${(e: Event) => this.set(parent, key, (e.target as HTMLTextAreaElement).value.split("\n").map((l) => l.trim()).filter(Boolean))}></textarea>
        ${this.help(path)}${this.errorLines(path)}${list.map((_, i) => this.errorLines([...path, i]))}</div>`;
    }
    const noun = guide(path)?.item ?? "item";
    return html`<fieldset id=${id}><legend>${label}</legend>${this.help(path)}${this.errorLines(path)}
      ${list.map((item, i) => {
        const name = isObj(item) && typeof item.id === "string" && item.id ? item.id : isObj(item) && typeof item.name === "string" && item.name ? item.name : `${noun} ${i + 1}`;
        return this.object(items, item as Obj, [...path, i], `${noun[0]!.toUpperCase()}${noun.slice(1)}: ${name}`, () => this.removeAt(list, i));
      })}
      <button class="secondary" type="button" ?disabled=${this.readonly} @click=${() => {
        if (!Array.isArray((parent as Obj)[key as string])) (parent as Obj)[key as string] = list;
        list.push(emptyOf(items));
        this.changed();
      }}>Add ${noun}</button>
    </fieldset>`;
  }

  override render() {
    if (!this.schema || !this.value) return nothing;
    const s = this.schema;
    return html`${Object.entries(s.properties ?? {}).map(([k, child]) => this.field(child, this.value, k, [k], !(s.required ?? []).includes(k)))}`;
  }
}

customElements.define("console-config-form", ConsoleConfigForm);
