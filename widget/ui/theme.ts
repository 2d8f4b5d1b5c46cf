/**
 * The widget's theme, the part every component starts from: palette, a reset of what the page would otherwise pass in
 * (`all: initial`), buttons, the focus ring, text, links and the actions grid; and the site's
 * theme (`bootstrap.theme`) applied to a component's host.
 *
 * Public custom properties (set them on the element or any ancestor, e.g. `:root`):
 *
 * @cssproperty --assent-accent - Button and switch colour. Default: the site's `theme.accent`.
 * @cssproperty --assent-on-accent - Text on accent. Default: the site's `theme.onAccent`.
 * @cssproperty --assent-bg - Background. Default: #fff (light), #1f2023 (dark).
 * @cssproperty --assent-fg - Text and focus ring. Default: #1f2328 (light), #f3f4f6 (dark).
 * @cssproperty --assent-muted - Secondary text. Default: #50565e (light), #c9ccd1 (dark).
 * @cssproperty --assent-border - Borders and the off switch. Default: #6e7781 (light), #8d939b (dark).
 * @cssproperty --assent-radius - Corner radius. Default: the site's `theme.radiusPx`.
 * @cssproperty --assent-font - Font family. Default: the system UI font.
 * @cssproperty --assent-z - z-index of the banner and floating button. Default: 2147483000.
 * @cssproperty --assent-fab-inset - The floating button's distance from the corner. Default: 1rem.
 *
 * The defaults keep every text at ≥ 4.5:1 and every boundary and focus ring at ≥ 3:1 in both
 * schemes; a site that overrides them takes that over. The site's theme is set as private
 * `--assent-theme-*` properties on the host (CSSOM, so strict CSP is fine) and the public ones
 * win over it, so page CSS can always restyle. Styles go through constructable stylesheets
 * (Lit adopts them: adoptedStyleSheets): no inline `style` attribute, no `unsafe-inline` (R7.10).
 */
import { css } from "lit";
import type { Controller } from "../core/controller";

/** The dark palette: for `scheme="dark"`, and for `scheme="system"` in a dark OS. */
const DARK = css`
  --_bg: var(--assent-bg, #1f2023);
  --_fg: var(--assent-fg, #f3f4f6);
  --_bd: var(--assent-border, #8d939b);
  --_eg: var(--_fg);
  color-scheme: dark;
`;

/**
 * Every component's base, first in its `static styles`: the palette, a reset, buttons, the
 * focus ring, and paragraphs, links and the equal-width grid of actions. One stylesheet for
 * all, in the chunk they share with Lit: the floating button shows no text, but a sheet of its
 * own for the rest would be one more file for the banner to fetch on a first visit.
 *
 * Buttons have a 2px edge: the accent in light (≥ 3:1 on white whenever the accent carries
 * white text at 4.5:1, as the config check demands of a dark accent), the text colour in
 * dark, where most accents are too dark to stand out.
 * Forced colours: borders and outlines are real borders and outlines, which the browser
 * repaints in system colours, so nothing here needs a `forced-colors` rule; nor
 * `prefers-reduced-motion`: the banner animates nothing. The preference center, which has
 * a transition and a hand-drawn switch, adds both, and the muted text colour only it uses.
 */
export const themeStyles = [
  css`
    :host {
      all: initial;
      display: block;
      --_ac: var(--assent-accent, var(--assent-theme-accent, #1d4ed8));
      --_on: var(--assent-on-accent, var(--assent-theme-on-accent, #fff));
      --_r: var(--assent-radius, var(--assent-theme-radius, 8px));
      --_bg: var(--assent-bg, #fff);
      --_fg: var(--assent-fg, #1f2328);
      --_bd: var(--assent-border, #6e7781);
      --_eg: var(--_ac);
      color-scheme: light;
      font: 1rem/1.5 var(--assent-font, system-ui, sans-serif);
      color: var(--_fg);
      overflow-wrap: break-word;
    }
    :host([hidden]) {
      display: none;
    }
    * {
      box-sizing: border-box;
    }
    button {
      font: inherit;
      font-weight: 600;
      line-height: 1.25;
      min-height: 44px;
      min-width: 44px;
      margin: 0;
      padding: 0.5rem 1rem;
      border: 2px solid var(--_eg);
      border-radius: var(--_r);
      background: var(--_ac);
      color: var(--_on);
      cursor: pointer;
    }
    button:hover {
      text-decoration: underline;
    }
    :focus-visible {
      outline: 3px solid var(--_fg);
      outline-offset: 2px;
    }
    p {
      margin: 0 0 0.75rem;
    }
    a {
      color: inherit;
    }
    .link {
      display: inline-block;
      padding-block: 2px;
    }
    .actions {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(min(100%, 11rem), 1fr));
      gap: 0.5rem;
      max-width: 42rem;
    }
  `,
  // More specific than `:host`, so the dark palette wins wherever it applies.
  css`:host([scheme=dark]){${DARK}}@media (prefers-color-scheme:dark){:host(:not([scheme=light])){${DARK}}}`,
];

/**
 * Applies the site's theme to a component host: the `scheme` attribute (light, dark or system)
 * and the accent, text on accent and radius as private `--assent-theme-*` properties. Without
 * bootstrap (a returning visitor's floating button) the defaults apply.
 */
export function applyTheme(host: HTMLElement, controller: Controller): void {
  const theme = controller.bootstrap?.theme;
  host.setAttribute("scheme", theme?.colorScheme ?? "system");
  if (theme)
    for (const [name, value] of [
      ["accent", theme.accent],
      ["on-accent", theme.onAccent],
      ["radius", `${theme.radiusPx}px`],
    ])
      host.style.setProperty(`--assent-theme-${name}`, value!);
}
