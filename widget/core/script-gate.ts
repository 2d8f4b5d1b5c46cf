/**
 * Declarative gating of the host page's scripts and embeds (R1.16), in the CookieConsent v3
 * pattern: the page ships inert elements and the widget brings them to life.
 *
 *   <script type="text/plain" data-consent="usage" data-src="/analytics.js"></script>
 *   <script type="text/plain" data-consent="!usage">…runs once the visitor refused usage…</script>
 *   <iframe data-consent="usage" data-src="https://…"></iframe>
 *
 * `data-consent` lists categories separated by spaces or commas (all must be granted); a
 * leading `!` means "refused". A script runs at most once per page, in document order; external
 * ones load one after another so later scripts can rely on earlier ones. Changing an inert
 * script's `type` would not run it, so each one is replaced by a fresh `<script>` with the same
 * attributes (and its CSP nonce).
 */
import { report } from "./report";

export interface GateState {
  /** The effective categories (decision, or a regime's defaults). */
  categories: Record<string, boolean>;
  /** True when a choice exists: `!category` scripts wait for one. */
  settled: boolean;
}

/** Builds the placeholder shown instead of a blocked embed; null shows nothing. */
export type PlaceholderFactory = (frame: HTMLIFrameElement, categories: string[]) => HTMLElement | null;

const ran = new WeakSet<Element>();
const placeholders = new WeakMap<HTMLIFrameElement, HTMLElement>();
let queue: Promise<void> = Promise.resolve();

/** Parses `data-consent` into the condition it states. */
function condition(value: string | null): { negate: boolean; categories: string[] } | null {
  const raw = (value ?? "").trim();
  if (!raw) return null;
  const negate = raw.startsWith("!");
  const categories = raw.replace(/^!/, "").split(/[\s,]+/).filter(Boolean);
  return categories.length ? { negate, categories } : null;
}

function allowed(value: string | null, state: GateState): boolean {
  const c = condition(value);
  if (!c) return false;
  if (c.negate) return state.settled && c.categories.every((id) => state.categories[id] === false);
  return c.categories.every((id) => state.categories[id] === true);
}

/** Replaces an inert script with a live copy; resolves when it ran (or failed to load). */
function activate(inert: HTMLScriptElement): Promise<void> {
  ran.add(inert);
  const live = document.createElement("script");
  for (const { name, value } of Array.from(inert.attributes)) {
    if (name === "type" || name === "data-src" || name === "data-type") continue;
    live.setAttribute(name, value);
  }
  // The nonce attribute reads as "" once the page loaded; the property keeps the value (CSP).
  if (inert.nonce) live.nonce = inert.nonce;
  const type = inert.getAttribute("data-type");
  if (type) live.type = type;
  live.setAttribute("data-assent", "activated");
  const src = inert.getAttribute("data-src");
  return new Promise<void>((resolve) => {
    if (src) {
      live.onload = live.onerror = () => resolve();
      live.src = src;
    } else {
      live.text = inert.text;
    }
    inert.replaceWith(live);
    if (!src) resolve();
  });
}

function updateFrame(frame: HTMLIFrameElement, state: GateState, placeholder: PlaceholderFactory): void {
  const src = frame.getAttribute("data-src");
  if (!src) return;
  const shown = placeholders.get(frame);
  if (allowed(frame.getAttribute("data-consent"), state)) {
    shown?.remove();
    placeholders.delete(frame);
    frame.hidden = false;
    if (frame.getAttribute("src") !== src) frame.setAttribute("src", src);
    return;
  }
  // Blocked (or withdrawn): unload it and show the placeholder in its place.
  if (frame.hasAttribute("src")) frame.removeAttribute("src");
  frame.hidden = true;
  if (!shown) {
    const el = placeholder(frame, condition(frame.getAttribute("data-consent"))?.categories ?? []);
    if (el) {
      frame.before(el);
      placeholders.set(frame, el);
    }
  }
}

/**
 * Brings the page's gated elements in line with `state`. Calls are queued, so two decisions in
 * quick succession never run a script twice or out of order. Never throws.
 */
export function applyGates(state: GateState, placeholder: PlaceholderFactory): Promise<void> {
  queue = queue.then(async () => {
    try {
      for (const frame of Array.from(document.querySelectorAll<HTMLIFrameElement>("iframe[data-consent]")))
        updateFrame(frame, state, placeholder);
      const scripts = Array.from(document.querySelectorAll<HTMLScriptElement>('script[type="text/plain"][data-consent]'));
      for (const script of scripts)
        if (!ran.has(script) && allowed(script.getAttribute("data-consent"), state)) await activate(script);
    } catch (err) {
      report("gating failed", err);
    }
  });
  return queue;
}
