/**
 * The console's shared styles: system fonts, light and dark from the system (`color-scheme`),
 * contrast of at least 4.5:1 in both, focus always visible, and layouts that hold at 320 px.
 */
import { css } from "lit";

export const shared = css`
  :host {
    display: block;
    --c-fg: #1b1f24;
    --c-muted: #4b5563;
    --c-bg: #ffffff;
    --c-surface: #f3f4f6;
    --c-border: #9ca3af;
    --c-accent: #1d4ed8;
    --c-on-accent: #ffffff;
    --c-danger: #b91c1c;
    color: var(--c-fg);
  }
  @media (prefers-color-scheme: dark) {
    :host {
      --c-fg: #e5e7eb;
      --c-muted: #b6bcc6;
      --c-bg: #111418;
      --c-surface: #1c2128;
      --c-border: #6b7280;
      --c-accent: #93b4ff;
      --c-on-accent: #0b1020;
      --c-danger: #fca5a5;
    }
  }
  h1 { font-size: 1.5rem; margin: 0 0 1rem; }
  h2 { font-size: 1.15rem; margin: 1.5rem 0 0.5rem; }
  p { margin: 0.5rem 0; }
  a { color: var(--c-accent); }
  a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, [tabindex]:focus-visible, h1:focus-visible {
    outline: 3px solid var(--c-accent);
    outline-offset: 2px;
  }
  h1:focus:not(:focus-visible) { outline: none; }
  button {
    font: inherit;
    font-weight: 600;
    min-height: 44px;
    padding: 0.4rem 1rem;
    border: 2px solid var(--c-accent);
    border-radius: 8px;
    background: var(--c-accent);
    color: var(--c-on-accent);
    cursor: pointer;
  }
  button.secondary { background: transparent; color: var(--c-accent); }
  button.danger { background: transparent; color: var(--c-danger); border-color: var(--c-danger); }
  button:disabled { opacity: 0.6; cursor: default; }
  button.link { background: none; border: none; padding: 0; min-height: 24px; color: var(--c-accent); text-decoration: underline; font-weight: 600; text-align: start; }
  input, select {
    font: inherit;
    min-height: 44px;
    box-sizing: border-box;
    padding: 0.3rem 0.5rem;
    border: 1px solid var(--c-border);
    border-radius: 6px;
    background: var(--c-bg);
    color: var(--c-fg);
    max-width: 100%;
  }
  label { font-weight: 600; }
  .muted { color: var(--c-muted); }
  .error { color: var(--c-danger); font-weight: 600; }
  .table-wrap { overflow-x: auto; max-width: 100%; }
  table { border-collapse: collapse; width: 100%; min-width: 18rem; }
  caption { text-align: start; font-weight: 600; padding-bottom: 0.5rem; }
  th, td { text-align: start; padding: 0.5rem; border-bottom: 1px solid var(--c-border); vertical-align: top; }
  code { font-family: ui-monospace, monospace; font-size: 0.9em; overflow-wrap: anywhere; }
  .row { display: flex; flex-wrap: wrap; gap: 0.75rem; align-items: end; }
  .field { display: flex; flex-direction: column; gap: 0.25rem; min-width: 0; }
`;
