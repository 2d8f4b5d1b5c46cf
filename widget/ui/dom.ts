/**
 * The few DOM helpers the banner is built with. `assent.js` has no Lit: Lit alone (~5.6 KB
 * gzip) plus the loader and controller (~5.8 KB) is already over the 10 KB budget for a first
 * visit, so the banner is a small custom element on these helpers, and Lit comes with the lazily
 * loaded chunk (preference center, embed placeholder, floating button).
 *
 * Text always goes in as text nodes (never innerHTML), so site-provided wording can never
 * become markup (R7.9), and nothing here needs Trusted Types or `unsafe-inline` (R7.10).
 */

type Child = Node | string | false | null | undefined;
type Attrs = Record<string, string | boolean | null | undefined | ((event: Event) => unknown)>;

/** Logs a failure in our own code; the host page never sees an exception from the widget. */
export function report(what: string, err: unknown): void {
  console.warn(`assent: ${what}`, err);
}

/** Wraps an event handler so that neither a throw nor a rejected promise reaches the page. */
export function guard(fn: (event: Event) => unknown): (event: Event) => void {
  return (event) => {
    try {
      const out = fn(event);
      if (out instanceof Promise) out.catch((err: unknown) => report("handler failed", err));
    } catch (err) {
      report("handler failed", err);
    }
  };
}

/**
 * Creates an element: `on…` attributes become guarded listeners, `true` an empty attribute,
 * `false`/null/undefined nothing; children are nodes or strings (text nodes).
 */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs | null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (typeof value === "function") el.addEventListener(name.slice(2), guard(value));
    else if (value != null && value !== false) el.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children) if (child) el.append(child);
  return el;
}

/**
 * The base of the main bundle's components, in the shape of a LitElement: `static styles`
 * adopted into an open shadow root, and `paint()` to replace what it shows. A browser without constructable stylesheets (Safari
 * before 16.4) shows the banner unstyled, in the page's flow, but working.
 */
export abstract class ShadowElement extends HTMLElement {
  static styles = "";
  protected readonly root = this.attachShadow({ mode: "open" });

  constructor() {
    super();
    try {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync((this.constructor as typeof ShadowElement).styles);
      this.root.adoptedStyleSheets = [sheet];
    } catch (err) {
      report("no constructable stylesheets", err);
    }
  }

  /** Replaces the shadow content with `nodes`. */
  protected paint(...nodes: Node[]): void {
    this.root.replaceChildren(...nodes);
  }

  /** Defines the element once (a second copy of the script, or a page that did, is fine). */
  static define(tag: string): void {
    if (!customElements.get(tag)) customElements.define(tag, this as unknown as CustomElementConstructor);
  }
}
