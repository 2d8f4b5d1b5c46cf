/**
 * The preview page's own script (worker/console/preview.ts serves the page): it runs before
 * `assent.js`, so the widget starts as on a first visit: it forgets this origin's consent
 * records (the preview runs on the Worker's origin, and a decision made in an earlier preview
 * would otherwise hide the banner), and opens the preference center when that is the view
 * asked for. A classic script, built on its own; never part of the widget.
 */
const script = document.currentScript as HTMLScriptElement | null;
try {
  for (const key of Object.keys(localStorage)) if (key.startsWith("assent:")) localStorage.removeItem(key);
} catch {
  // Storage blocked: the widget copes, and so does the preview.
}
if (script?.dataset.view === "preferences")
  document.addEventListener(
    "assent-ready",
    () => void (window as unknown as { assent?: { open(): Promise<void> } }).assent?.open(),
    { once: true },
  );
export {};
