/**
 * Honest limits in the shipped bytes (R3.8, R4.1, R4.3): the widget is built in memory exactly as
 * the widget build writes it (assent.js, every lazily loaded module and chunk), and no file may
 * carry the IAB APIs' names. A page script finds a CMP by probing these globals (and the
 * `__tcfapiLocator` frame of TCF's stub), so a name that is not in the code can never be defined;
 * the browser tests (test/e2e/honest-limits.spec.ts) check the same on real pages.
 */
import { describe, expect, it } from "vitest";
import { type WidgetBuild, widgetBuild } from "../../scripts/build-widget";

let built: Promise<WidgetBuild> | undefined;
const build = () => (built ??= widgetBuild());

/** Each built file's text, by name. */
async function builtTexts(): Promise<[string, string][]> {
  return [...(await build()).files].map(([name, bytes]) => [name, Buffer.from(bytes).toString("utf8")]);
}

describe("the built widget speaks no IAB framework (R3.8, R4.1, R4.3)", () => {
  it("is a real build: the core and its UI modules are all there", async () => {
    const names = (await builtTexts()).map(([name]) => name);
    // Without this, an empty build would pass every check below.
    expect(names).toEqual(expect.arrayContaining(["assent.js", "banner.js", "preferences.js", "decisions.js", "sync.js", "identity.js"]));
    expect(names.some((n) => n.startsWith("chunk-"))).toBe(true);
  });

  it("no file names __tcfapi, __gpp, __uspapi or the TCF v1 __cmp, nor the euconsent-v2 or usprivacy cookies (R4.1, R4.3)", async () => {
    for (const [name, text] of await builtTexts()) {
      // __tcfapi also covers its "__tcfapiLocator" frame, __gpp the "__gppLocator" one.
      for (const api of ["__tcfapi", "__gpp", "__uspapi", "__cmp", "euconsent", "usprivacy"]) expect(text.includes(api), `${name} contains ${api}`).toBe(false);
    }
  });

  it("no text of the widget claims a certification or TCF (R3.8)", async () => {
    // English, German, French and Spanish spellings; the acronyms case-sensitive, as words.
    const claims = [/certifi|zertifi|Transparency (and|&) Consent/i, /\bTCF\b|\bIAB\b/];
    for (const [name, text] of await builtTexts()) for (const claim of claims) expect(claim.exec(text)?.[0], name).toBeUndefined();
  });
});
