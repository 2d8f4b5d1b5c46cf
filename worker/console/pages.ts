/**
 * The console's HTML: the small server-rendered pages around sign-in, and the shell that loads
 * the console's Lit app (console/, built to `public/console/v/<version>/app.js`). The app's
 * JavaScript is a static asset and holds no data; the data comes from /console/api/… only for
 * a signed-in person. Every page is `no-store`, cannot be framed, and runs under a strict CSP:
 * scripts and styles from the Worker's own origin only (Lit's styles are constructable
 * stylesheets, which the CSP allows without 'unsafe-inline').
 */
import type { Context } from "hono";
import { escapeHtml } from "../email/messages";
import { ASSENT_VERSION } from "../lib/version";

const HEADERS = {
  "Content-Type": "text/html; charset=utf-8",
  "Cache-Control": "no-store",
  // Not no-referrer: under it, Chromium sends `Origin: null` with the page's own form POSTs,
  // which the Origin check refuses. same-origin still keeps the sign-in link's token (in the
  // URL) from ever reaching another site as a Referer.
  "Referrer-Policy": "same-origin",
  "X-Frame-Options": "DENY",
  "Content-Security-Policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
};

/** A small page (sign-in, errors) in the style of the email pages. */
export function consolePage(c: Context, title: string, body: string, status: 200 | 400 | 401 | 403 = 200): Response {
  return c.body(
    `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">
<title>${escapeHtml(title)} · Assent console</title><link rel="icon" href="data:,"><link rel="stylesheet" href="/email/pages.css"></head>
<body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`,
    status,
    HEADERS,
  );
}

/** The app's shell, for a signed-in person; the app renders into `<assent-console>`. */
export function consoleShell(c: Context): Response {
  const base = `/console/v/${ASSENT_VERSION}`;
  return c.body(
    `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">
<title>Assent console</title><link rel="icon" href="data:,"><link rel="stylesheet" href="${base}/console.css">
<script type="module" src="${base}/app.js"></script></head>
<body><assent-console><noscript>The console needs JavaScript.</noscript></assent-console></body></html>`,
    200,
    HEADERS,
  );
}
