/**
 * `floating-button.js`: upgrades the `<assent-floating-button>` the core placed (../../core/ui-loader.ts).
 * Lit and the button only: the preference center is imported on the click, not before.
 */
import { define } from "../context";
import { AssentFloatingButton, type FloatingButtonContext } from "./floating-button";

/** Defines the element and hands it the context; the element renders itself. */
export function setupFloatingButton(el: HTMLElement, context: FloatingButtonContext): void {
  define("assent-floating-button", AssentFloatingButton);
  if (el instanceof AssentFloatingButton) el.context = context;
}
