/**
 * What lazily loaded chunks import as "lit" (an esbuild alias): the loader's own copy of Lit,
 * published under a private global symbol by ./lit-publish.ts, so the preference center does
 * not download and run a second Lit.
 */
import type * as Lit from "lit";

type Shared = Pick<typeof Lit, "LitElement" | "html" | "css" | "nothing" | "svg" | "unsafeCSS">;
const lit = (globalThis as unknown as Record<symbol, Shared>)[Symbol.for("assent.lit")]!;

export const LitElement = lit.LitElement;
export const html = lit.html;
export const css = lit.css;
export const nothing = lit.nothing;
export const svg = lit.svg;
export const unsafeCSS = lit.unsafeCSS;
export type { CSSResultGroup, PropertyValues, TemplateResult } from "lit";
