/**
 * The demo site's pages as a site of its own would serve them, for browser tests that need the
 * demo on an origin other than the Worker's (a site backend, an identity or cookie-mirror host).
 */
import { readFile } from "node:fs/promises";
import type { ServerResponse } from "node:http";
import { extname, join, normalize } from "node:path";
import { ROOT } from "../../local/index";

/** The folder the demo's pages and assets are served from. */
export const PUBLIC = join(ROOT, "public");

/** The demo's home page with `replace` applied (e.g. another script tag), never cached. */
export async function sendDemoPage(res: ServerResponse, replace: (html: string) => string): Promise<void> {
  const html = replace(await readFile(join(PUBLIC, "index.html"), "utf8"));
  res.writeHead(200, { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" }).end(html);
}

/** A file of public/ by its URL path (404 outside public/ or when missing). */
export async function sendPublicFile(res: ServerResponse, pathname: string): Promise<void> {
  const file = normalize(join(PUBLIC, pathname));
  try {
    if (!file.startsWith(PUBLIC)) throw new Error("outside public/");
    const type = { ".js": "text/javascript", ".css": "text/css", ".html": "text/html" }[extname(file)] ?? "application/octet-stream";
    res.writeHead(200, { "Content-Type": type }).end(await readFile(file));
  } catch {
    if (!res.headersSent) res.writeHead(404).end();
  }
}
