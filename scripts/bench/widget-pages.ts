/**
 * The widget bench's pages (scripts/bench/pages/: the floor, Assent's one tag, the same tag with the
 * widget before the split, cookieconsent),
 * filled in with the demo site's English texts and served from 127.0.0.1 on a free port.
 */
import { readFileSync } from "node:fs";
import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import type { SiteConfigInput } from "../../worker/contract";
import { ROOT } from "../util";

const PAGES = join(ROOT, "scripts/bench/pages");
const COOKIECONSENT = join(ROOT, "node_modules/vanilla-cookieconsent/dist");

/** The demo site's English texts the floor and cookieconsent show (Assent gets them from bootstrap). */
export interface PageTexts {
  title: string;
  description: string;
  necessaryTitle: string;
  necessaryDescription: string;
  usageTitle: string;
  usageDescription: string;
  policyUrl: string;
  cookiePolicyUrl: string;
}

export interface DemoConfig {
  allowedOrigins: string[];
  policy: { url: string; cookiePolicyUrl?: string };
  texts: Record<
    string,
    { banner: { title: string; description: string }; categories: Record<string, { title: string; description: string }> }
  >;
}

export function demoConfig(): DemoConfig & SiteConfigInput {
  return JSON.parse(readFileSync(join(ROOT, "examples/sites/demo.json"), "utf8")) as DemoConfig & SiteConfigInput;
}

export function pageTexts(config: DemoConfig): PageTexts {
  const en = config.texts.en;
  const cat = (id: string) => en?.categories[id];
  if (!en || !cat("necessary") || !cat("usage")) throw new Error("examples/sites/demo.json lacks the English texts of necessary and usage");
  return {
    title: en.banner.title,
    description: en.banner.description,
    necessaryTitle: cat("necessary")!.title,
    necessaryDescription: cat("necessary")!.description,
    usageTitle: cat("usage")!.title,
    usageDescription: cat("usage")!.description,
    policyUrl: config.policy.url,
    cookiePolicyUrl: config.policy.cookiePolicyUrl ?? config.policy.url,
  };
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

export interface Served {
  type: string;
  body: Buffer;
  /** `body` gzipped once, level 9: sent to clients that accept gzip, as the Worker does. */
  gzip?: Buffer;
  /** Where it came from, for the report. */
  source: string;
}

/**
 * Everything the bench pages load from the bench server, rendered once: `{{name}}` in HTML is
 * an escaped text (or the Worker's origin), `__TEXTS__` in the cookieconsent config the texts
 * as a JSON object.
 */
export function renderFiles(assentOrigin: string, texts: PageTexts): Map<string, Served> {
  const values: Record<string, string> = { ...texts, assentOrigin };
  const html = (name: string): Served => ({
    type: "text/html; charset=utf-8",
    source: join(PAGES, name),
    body: Buffer.from(
      readFileSync(join(PAGES, name), "utf8").replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
        const value = values[key];
        if (value === undefined) throw new Error(`${name}: unknown placeholder {{${key}}}`);
        return escapeHtml(value);
      }),
    ),
  });
  const file = (dir: string, name: string, type: string): Served => ({ type, source: join(dir, name), body: readFileSync(join(dir, name)) });
  const js = "text/javascript; charset=utf-8";
  const css = "text/css; charset=utf-8";
  const config = file(PAGES, "cookieconsent-config.js", js);
  config.body = Buffer.from(config.body.toString("utf8").replace("__TEXTS__", JSON.stringify(texts)));
  return new Map<string, Served>([
    ["/assent.html", html("assent.html")],
    ["/pre-split.html", html("pre-split.html")],
    ["/floor.html", html("floor.html")],
    ["/floor.css", file(PAGES, "floor.css", css)],
    ["/floor.js", file(PAGES, "floor.js", js)],
    ["/cookieconsent.html", html("cookieconsent.html")],
    ["/cookieconsent-config.js", config],
    ["/vendor/cookieconsent.umd.js", file(COOKIECONSENT, "cookieconsent.umd.js", js)],
    ["/vendor/cookieconsent.css", file(COOKIECONSENT, "cookieconsent.css", css)],
  ]);
}

export interface PageServer {
  origin: string;
  files: Map<string, Served>;
  close(): Promise<void>;
}

/**
 * Serves the rendered files on 127.0.0.1 (a free port). Gzipped when the browser accepts it,
 * like the Worker's answers (workerd compresses assent.js and bootstrap the same way), but
 * compressed once up front, as a CDN's cache would.
 */
export async function startPageServer(assentOrigin: string, texts: PageTexts): Promise<PageServer> {
  const files = renderFiles(assentOrigin, texts);
  for (const served of files.values()) served.gzip = gzipSync(served.body, { level: 9 });
  const server: Server = createServer((req, res) => {
    const served = files.get(new URL(req.url ?? "/", "http://x").pathname);
    if (!served || (req.method !== "GET" && req.method !== "HEAD")) {
      res.writeHead(404, { "Content-Type": "text/plain", "Cache-Control": "no-store" }).end("Not found");
      return;
    }
    const gzip = served.gzip && /\bgzip\b/.test(String(req.headers["accept-encoding"] ?? ""));
    const body = gzip ? served.gzip! : served.body;
    res.writeHead(200, {
      "Content-Type": served.type,
      "Content-Length": body.length,
      "Cache-Control": "no-store",
      Vary: "Accept-Encoding",
      ...(gzip ? { "Content-Encoding": "gzip" } : {}),
    });
    res.end(req.method === "HEAD" ? undefined : body);
  });
  await new Promise<void>((ok, fail) => {
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => ok());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    files,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
