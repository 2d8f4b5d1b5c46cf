/** Publishes the loader's copy of Lit for lazily loaded chunks (see ./lit-shared.ts). */
import { LitElement, css, html, nothing, svg, unsafeCSS } from "lit";

(globalThis as unknown as Record<symbol, unknown>)[Symbol.for("assent.lit")] = { LitElement, html, css, nothing, svg, unsafeCSS };
