/**
 * The versioned, immutable widget (R7.11), as docs/embed.md tells a site owner to pin it: every
 * file `/assent-manifest.json` lists is served under its `/v/<version>/` path with exactly the
 * bytes its `sha384` names; a page that pins `assent.js` with that `integrity` works end to
 * end, and its proof rows name the version whose manifest holds the code's hashes; a pin that
 * does not match the bytes runs nothing.
 */
import { createHash } from "node:crypto";
import { DEMO_SITE, loadSiteConfig } from "../../local/index";
import { expect, test } from "./fixtures";
import { bannerOf, servePage, serverReceipts, syncedRecord } from "./helpers";

interface Manifest {
  version: string;
  files: Record<string, { path: string; integrity: string; bytes: number }>;
}

const sri = (bytes: Uint8Array) => `sha384-${createHash("sha384").update(bytes).digest("base64")}`;

async function manifestOf(workerUrl: URL): Promise<Manifest> {
  const res = await fetch(new URL("/assent-manifest.json", workerUrl));
  expect(res.status).toBe(200);
  return (await res.json()) as Manifest;
}

/** A customer's page on an origin of its own, with the tag pinned to one version and hash. */
function pinnedPage(workerOrigin: string, siteId: string, path: string, integrity: string) {
  return servePage(
    `<!doctype html><html lang="en"><head><title>Pinned shop</title>` +
      `<script src="${workerOrigin}${path}" integrity="${integrity}" crossorigin="anonymous" data-site="${siteId}" defer></script>` +
      `</head><body><main><h1>Pinned shop</h1></main></body></html>`,
  );
}

test("every file of the manifest is served under its immutable versioned path, with the bytes its sha384 names (R7.11)", async ({ assent }) => {
  const manifest = await manifestOf(assent.worker.url);
  const names = Object.keys(manifest.files);
  // The core, the banner, the preference center and the chunk with Lit, at least.
  expect(names).toEqual(expect.arrayContaining(["assent.js", "banner.js", "preferences.js", "floating-button.js"]));
  expect(names.some((n) => /^chunk-[A-Z0-9]+\.js$/.test(n))).toBe(true);
  for (const [name, file] of Object.entries(manifest.files)) {
    expect(file.path).toBe(`/v/${manifest.version}/${name}`);
    const res = await fetch(new URL(file.path, assent.worker.url));
    expect(res.status, file.path).toBe(200);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(bytes.length, file.path).toBe(file.bytes);
    expect(sri(bytes), file.path).toBe(file.integrity);
    expect(res.headers.get("cache-control"), file.path).toBe("public, max-age=31536000, immutable");
    expect(res.headers.get("access-control-allow-origin"), file.path).toBe("*");
  }
  // The tag most sites paste is the same core, cached for minutes rather than a year.
  const latest = await fetch(new URL("/assent.js", assent.worker.url));
  expect(sri(new Uint8Array(await latest.arrayBuffer()))).toBe(manifest.files["assent.js"]!.integrity);
  expect(latest.headers.get("cache-control")).toBe("public, max-age=300");
});

test("a page pinning assent.js with the manifest's integrity works, loads only that version, and its proof names it (R7.11)", async ({ page, assent }) => {
  const manifest = await manifestOf(assent.worker.url);
  const core = manifest.files["assent.js"]!;
  const siteId = "pinned";
  const pinned = await pinnedPage(assent.worker.url.origin, siteId, core.path, core.integrity);
  try {
    await assent.worker.pushSite({ ...loadSiteConfig(DEMO_SITE), id: siteId, name: "Pinned shop", allowedOrigins: [pinned.origin] });
    const scripts: string[] = [];
    page.on("request", (r) => {
      if (r.resourceType() === "script") scripts.push(new URL(r.url()).pathname);
    });
    await page.goto(pinned.origin);
    await bannerOf(page).getByRole("button", { name: "Accept all" }).click();
    const record = await syncedRecord(page, siteId);

    // Every script came from the pinned version's paths, each one a file of its manifest.
    const listed = new Set(Object.values(manifest.files).map((f) => f.path));
    expect(scripts).toContain(core.path);
    expect(scripts).toContain(manifest.files["banner.js"]!.path);
    for (const path of scripts) expect(listed.has(path), path).toBe(true);

    const receipts = await serverReceipts(assent.worker.url, record.token!, siteId);
    expect(receipts).toHaveLength(1);
    expect(receipts[0]).toMatchObject({ id: record.receiptId, action: "accept_all", widgetVersion: manifest.version });
  } finally {
    await pinned.close();
  }
});

test("a pin that does not match the served bytes runs nothing: no banner, no request for bootstrap, no page API (R7.11)", async ({ page, assent, workerRequests }) => {
  const manifest = await manifestOf(assent.worker.url);
  const core = manifest.files["assent.js"]!;
  // The hash of other bytes: the served core with its last byte changed.
  const bytes = new Uint8Array(await (await fetch(new URL(core.path, assent.worker.url))).arrayBuffer());
  bytes[bytes.length - 1]! ^= 0x01;
  const wrong = sri(bytes);
  expect(wrong).not.toBe(core.integrity);
  const siteId = "pinned-wrong";
  const pinned = await pinnedPage(assent.worker.url.origin, siteId, core.path, wrong);
  try {
    await assent.worker.pushSite({ ...loadSiteConfig(DEMO_SITE), id: siteId, name: "Pinned shop", allowedOrigins: [pinned.origin] });
    const requests = workerRequests(page);
    const refused = page.waitForEvent("console", (m) => m.type() === "error" && /integrity/i.test(m.text()));
    await page.goto(pinned.origin, { waitUntil: "load" });
    await refused;
    expect(await page.evaluate(() => typeof (window as { assent?: unknown }).assent)).toBe("undefined");
    await expect(bannerOf(page)).toHaveCount(0);
    expect(requests.map((r) => new URL(r.url()).pathname)).toEqual([core.path]);
  } finally {
    await pinned.close();
  }
});
