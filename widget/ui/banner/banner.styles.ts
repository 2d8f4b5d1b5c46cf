/**
 * The banner's own styles, after `baseStyles` (../styles.ts). The region's scroll-padding keeps
 * a control that takes focus in the scrolled region clear of its edges, focus ring included
 * (R8.4, R8.7); its content scrolls inside a capped height.
 */
import { css } from "lit";

export const bannerStyles = css`
  :host {
    position: fixed;
    inset-inline: 0;
    bottom: 0;
    z-index: var(--assent-z, 2147483000);
  }
  .region {
    max-height: min(85vh, 40rem);
    overflow: auto;
    background: var(--_bg);
    border-top: 2px solid var(--_bd);
    box-shadow: 0 -4px 16px #0004;
    padding: 1rem max(1rem, (100% - 60rem) / 2);
    scroll-padding-block: 0.5rem;
  }
  .region:focus-visible {
    outline-offset: -5px;
  }
  h2 {
    margin: 0 0 0.5rem;
    font-size: 1.125rem;
  }
  ul {
    display: flex;
    flex-wrap: wrap;
    gap: 0.25rem 0.5rem;
    margin: 0 0 0.75rem;
    padding: 0;
    list-style: none;
  }
  li {
    padding: 0 0.625rem;
    border: 1px solid var(--_bd);
    border-radius: 1rem;
  }
  .status,
  .label {
    font-weight: 600;
  }
  .label {
    margin: 0;
  }
  .description {
    white-space: pre-line;
  }
  p > a {
    margin-inline-end: 1.25rem;
  }
  .status + .actions {
    margin-bottom: 1rem;
  }
`;
