/**
 * A second web origin for the demo and the cross-origin tests: a small static server on another
 * loopback port serving the same pages from public/, with the Assent script tag pointed at the
 * Worker's origin. It plays the part of a customer's site embedding Assent from elsewhere.
 */
import { readFile } from "node:fs/promises";
import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize, resolve } from "node:path";
import { ROOT } from "./index";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
};

export interface SecondOrigin {
  url: URL;
  close(): Promise<void>;
}

/**
 * Serves `dir` (default public/) on 127.0.0.1:`port`. In HTML, `src="/assent.js"` becomes
 * `src="<workerOrigin>/assent.js"`: exactly the tag a site owner pastes.
 */
export async function createSecondOrigin(options: { workerOrigin: string; port?: number; dir?: string }): Promise<SecondOrigin> {
  const dir = resolve(options.dir ?? join(ROOT, "public"));
  const worker = options.workerOrigin.replace(/\/$/, "");
  const server: Server = createServer(async (req, res) => {
    try {
      const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
      const file = normalize(join(dir, path.endsWith("/") ? `${path}index.html` : path));
      if (!file.startsWith(dir)) {
        res.writeHead(403).end();
        return;
      }
      // Like Workers Static Assets: "/privacy" serves privacy.html.
      const found = extname(file) ? file : `${file}.html`;
      let body: Buffer | string = await readFile(found);
      const type = TYPES[extname(found)] ?? "application/octet-stream";
      if (type.startsWith("text/html")) body = body.toString("utf8").replaceAll('src="/assent.js"', `src="${worker}/assent.js"`);
      res.writeHead(200, { "Content-Type": type, "Cache-Control": "no-cache" }).end(body);
    } catch {
      res.writeHead(404, { "Content-Type": "text/plain" }).end("Not found");
    }
  });
  await new Promise<void>((ok, fail) => {
    server.once("error", fail);
    server.listen(options.port ?? 0, "127.0.0.1", () => ok());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: new URL(`http://127.0.0.1:${port}/`),
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}
