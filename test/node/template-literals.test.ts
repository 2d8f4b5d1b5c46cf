/**
 * The build step that shrinks Lit's templates (scripts/template-literals.ts): what it rewrites,
 * what it must leave alone, and that it refuses CSS it cannot read rather than change it.
 */
import { describe, expect, it } from "vitest";
import { collapseMarkup, minifyCss, minifyTemplates } from "../../scripts/template-literals";

describe("the widget's template literals at build time", () => {
  it("minifies a css template, and a declaration list meant for interpolation", async () => {
    const out = await minifyTemplates("const a = css`\n  :host {\n    color: var(--x, #fff);\n    padding: 0.50rem;\n  }\n`;\nconst d = css`\n  --_bg: var(--assent-bg, #1f2023);\n  color-scheme: dark;\n`;", "a.ts");
    expect(out).toBe("const a = css`:host{color:var(--x,#fff);padding:.5rem}`;\nconst d = css`--_bg:var(--assent-bg,#1f2023);color-scheme:dark`;");
  });

  it("leaves a css template with an interpolation, or an escape, as written", async () => {
    const source = "const a = css`:host([scheme=dark]) { ${DARK} }`;\nconst b = css`p::before { content: '\\201C'; }`;";
    expect(await minifyTemplates(source, "a.ts")).toBe(source);
  });

  it("collapses the line breaks and indentation of html and svg templates, nested ones too, and nothing else", async () => {
    const source = [
      "const t = html`",
      "  <p class=\"a  b\">${x}</p>",
      "  ${y ? html`<a href=${u}>",
      "      link</a>` : nothing}",
      "`;",
      "const s = svg`<path d=\"M1 2\n   L3 4\" />`;",
      "const plain = `keep\n   this`;",
      "const other = sql`SELECT 1\n  FROM t`;",
    ].join("\n");
    const out = await minifyTemplates(source, "a.ts");
    expect(out).toContain('html` <p class="a  b">${x}</p> ${y ? html`<a href=${u}> link</a>` : nothing} `');
    expect(out).toContain('svg`<path d="M1 2 L3 4" />`');
    expect(out).toContain("`keep\n   this`");
    expect(out).toContain("sql`SELECT 1\n  FROM t`");
    expect(collapseMarkup("a b")).toBe("a b");
  });

  it("fails on CSS esbuild cannot parse, instead of shipping it changed", async () => {
    await expect(minifyCss(":host { color: red; ", "broken.ts")).rejects.toThrow(/broken\.ts/);
    await expect(minifyTemplates("const a = css`:host { color: red;; } }`;", "b.ts")).rejects.toThrow(/b\.ts/);
  });
});
