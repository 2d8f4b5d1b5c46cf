/**
 * The preference center's styles, in three parts, each listed after `baseStyles` by the
 * elements that need it: `sectionStyles` (the muted text colour, headings, labels, notes,
 * status lines, secondary buttons) by the dialog and its sections (`<assent-email-signup>`,
 * `<assent-your-data>`), and each element's own.
 *
 * @cssproperty --assent-muted - Secondary text. Default: #50565e (light), #c9ccd1 (dark).
 */
import { css } from "lit";

/** Shared by the dialog and its sections. */
export const sectionStyles = css`
  :host {
    --_mu: var(--assent-muted, #50565e);
  }
  :host([scheme="dark"]) {
    --_mu: var(--assent-muted, #c9ccd1);
  }
  @media (prefers-color-scheme: dark) {
    :host(:not([scheme="light"])) {
      --_mu: var(--assent-muted, #c9ccd1);
    }
  }
  h3 {
    margin: 0.75rem 0 0.25rem;
    font-size: 1rem;
  }
  label {
    font-weight: 700;
    cursor: pointer;
  }
  .desc {
    margin: 0.5rem 0;
    white-space: pre-line;
  }
  .note,
  .meta {
    color: var(--_mu);
  }
  .status {
    margin: 0.75rem 0 0;
    font-weight: 600;
  }
  .status:empty {
    margin: 0;
  }
  ul {
    margin: 0;
    padding-inline-start: 1.25rem;
  }
  li {
    margin: 0.375rem 0;
  }
  .close,
  .secondary {
    background: transparent;
    color: var(--_fg);
    border-color: var(--_bd);
  }
`;

/** The dialog: layout, categories, the hand-drawn switch, reduced motion and forced colours. */
export const preferencesStyles = css`
:host {
    display: contents;
  }
  dialog {
    width: min(42rem, 100% - 1rem);
    max-width: none;
    max-height: calc(100% - 1rem);
    margin: auto;
    padding: 1.25rem;
    overflow: auto;
    overscroll-behavior: contain;
    border: 2px solid var(--_bd);
    border-radius: var(--_r);
    background: var(--_bg);
    color: var(--_fg);
  }
  dialog::backdrop {
    background: rgb(0 0 0 / 0.55);
  }
  .head {
    display: flex;
    align-items: flex-start;
    justify-content: space-between;
    gap: 1rem;
  }
  h2 {
    margin: 0.375rem 0 0.75rem;
    font-size: 1.25rem;
    line-height: 1.3;
  }
  .close {
    flex: none;
    padding: 0;
    font-size: 1.5rem;
    line-height: 1;
  }
  .cat {
    margin: 0 0 0.75rem;
    padding: 0.75rem 1rem;
    border: 1px solid var(--_bd);
    border-radius: var(--_r);
  }
  .row {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 1rem;
  }
  .note {
    margin: 0.25rem 0 0;
  }
  summary {
    padding-block: 2px;
    font-weight: 600;
    cursor: pointer;
  }
  li > span {
    display: block;
  }
  code {
    font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace;
    font-size: 0.9375em;
    overflow-wrap: anywhere;
  }
  #gpc {
    margin: 0 0 0.75rem;
  }
  .vh {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  .receipt {
    margin: 0.75rem 0 0;
  }
  .links {
    display: flex;
    flex-wrap: wrap;
    gap: 0 1.25rem;
    margin: 1rem 0 0;
  }
  input[role="switch"] {
    appearance: none;
    flex: none;
    width: 48px;
    height: 28px;
    margin: 0;
    border: 2px solid var(--_bd);
    border-radius: 14px;
    background: var(--_bg) radial-gradient(circle at 12px 50%, var(--_bd) 7px, transparent 8px) no-repeat;
    cursor: pointer;
  }
  input[role="switch"]:checked {
    border-color: var(--_eg);
    background: var(--_ac) radial-gradient(circle at calc(100% - 12px) 50%, var(--_on) 7px, transparent 8px) no-repeat;
  }
  [dir="rtl"] input[role="switch"] {
    background-image: radial-gradient(circle at calc(100% - 12px) 50%, var(--_bd) 7px, transparent 8px);
  }
  [dir="rtl"] input[role="switch"]:checked {
    background-image: radial-gradient(circle at 12px 50%, var(--_on) 7px, transparent 8px);
  }
  input[role="switch"]:disabled {
    cursor: not-allowed;
    border-style: dashed;
  }
  @media (prefers-reduced-motion: reduce) {
    * {
      animation: none !important;
      transition: none !important;
    }
  }
  @media (forced-colors: active) {
    input[role="switch"] {
      appearance: auto;
      width: 24px;
      height: 24px;
    }
    dialog {
      border-color: CanvasText;
    }
  }
`;

/** The email section (`<assent-email-signup>`). */
export const emailStyles = css`
  .communications {
    margin-block: 1rem;
  }
  .lists {
    list-style: none;
    padding: 0;
    margin: 0;
  }
  .lists li {
    display: grid;
    grid-template-columns: auto 1fr;
    column-gap: 0.5rem;
    align-items: start;
    margin-block-end: 0.75rem;
  }
  .lists li > :not(input) {
    grid-column: 2;
    margin: 0;
  }
  .lists input[type="checkbox"] {
    width: 24px;
    height: 24px;
    margin: 0;
    accent-color: var(--_ac);
  }
  .lists label {
    font-weight: 600;
    grid-row: 1;
  }
  .signup {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    align-items: center;
  }
  .challenge {
    flex-basis: 100%;
    min-height: 65px;
  }
  .signup input[type="email"] {
    font: inherit;
    min-height: 44px;
    min-width: min(16rem, 100%);
    flex: 1;
    padding: 0.5rem;
    border: 2px solid var(--_bd);
    border-radius: var(--_r);
    background: var(--_bg);
    color: var(--_fg);
  }
`;

/** "Your data" (`<assent-your-data>`). */
export const dataStyles = css`
  .data {
    margin-top: 1rem;
    padding-top: 0.25rem;
    border-top: 1px solid var(--_bd);
  }
`;
