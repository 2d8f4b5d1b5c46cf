/**
 * The base of every component that shows text (banner, embed placeholder, preference center):
 * the theme (./theme.ts: palette, reset, buttons, focus ring) plus paragraphs, links and the
 * equal-width grid of actions. Every such component lists `baseStyles` first in its `static
 * styles`; its parts (`::part(...)`) are its own, listed in its header comment.
 */
import { css } from "lit";
import { themeStyles } from "./theme";

export { applyTheme } from "./theme";

export const baseStyles = [
  themeStyles,
  css`p{margin:0 0 .75rem}
a{color:inherit}
.link{display:inline-block;padding-block:2px}
.actions{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,11rem),1fr));gap:.5rem;max-width:42rem}`,
];
