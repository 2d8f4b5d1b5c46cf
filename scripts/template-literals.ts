/**
 * An esbuild plugin that shrinks the text of Lit's tagged templates at build time, so the
 * widget's sources keep readable styles and markup and its chunks carry none of their
 * indentation:
 *
 * - `css` templates without `${…}` (or a backslash) are minified by esbuild's own CSS minifier (an
 *   interpolation may stand for a selector or a declaration list, which CSS cannot parse, so
 *   those are left as written). A template with no `{` is a declaration list, minified as one.
 *   A template esbuild's CSS parser warns about fails the build rather than shipping CSS that
 *   changed meaning.
 * - `html` and `svg` templates: every run of whitespace that holds a line break becomes one
 *   space. That is what the browser renders anyway outside `pre`-like whitespace, and no
 *   template of the widget puts a line break inside such an element (their text comes from
 *   interpolations).
 *
 * Templates are found with @babel/parser (already here for the compliance matrix), so nested
 * templates inside `${…}` are handled like any other. esbuild minifies JavaScript but leaves
 * template literals as written; the maintained plugins for this (minify-html-literals and its
 * forks) bring an HTML and a CSS minifier of their own, for a job esbuild already does.
 */
import { readFile } from "node:fs/promises";
import { parse } from "@babel/parser";
import type { Node, TemplateLiteral } from "@babel/types";
import { type Plugin, transform } from "esbuild";

/**
 * The minified text of one stylesheet, or of a declaration list (no `{`), ready to stand in a
 * template literal.
 */
export async function minifyCss(source: string, where: string): Promise<string> {
  const declarations = !source.includes("{");
  // utf8: no `\XXXX` escapes, which a template literal would read as its own.
  const out = await transform(declarations ? `x{${source}}` : source, { loader: "css", minify: true, charset: "utf8", logLevel: "silent" });
  if (out.warnings.length) throw new Error(`${where}: ${out.warnings.map((w) => w.text).join("; ")}`);
  // esbuild keeps the whitespace that starts a custom property's value and a var() fallback;
  // neither is part of the value (CSS Variables trims them), so it goes too.
  let code = out.code
    .trim()
    .replace(/var\((--[\w-]+),\s+/g, "var($1,")
    .replace(/(--[\w-]+):\s+/g, "$1:");
  if (declarations) code = code.slice(2, -1);
  if (/[`\\]|\$\{/.test(code)) throw new Error(`${where}: minified CSS that a template literal cannot hold as it is: ${code}`);
  return code;
}

/** Markup text with every whitespace run that holds a line break collapsed to one space. */
export const collapseMarkup = (text: string) => text.replace(/\s*\n\s*/g, " ");

interface Edit {
  start: number;
  end: number;
  text: string | Promise<string>;
}

/** The literal text of each quasi of a template: [start, end) source offsets. */
const spans = (template: TemplateLiteral): [number, number][] => template.quasis.map((q) => [q.start!, q.end!]);

/** Calls `fn` on every node below `node` (babel's AST: plain objects with a `type`). */
function walk(node: unknown, fn: (node: Node) => void): void {
  if (Array.isArray(node)) for (const child of node) walk(child, fn);
  else if (node && typeof node === "object" && typeof (node as Node).type === "string") {
    fn(node as Node);
    for (const [key, value] of Object.entries(node)) if (key !== "loc" && key !== "extra" && typeof value === "object") walk(value, fn);
  }
}

/** Rewrites the `css`, `html` and `svg` templates of one TypeScript file's text. */
export async function minifyTemplates(code: string, where: string): Promise<string> {
  const ast = parse(code, { sourceType: "module", plugins: ["typescript"], errorRecovery: false });
  const edits: Edit[] = [];
  walk(ast.program, (node) => {
    if (node.type !== "TaggedTemplateExpression" || node.tag.type !== "Identifier") return;
    const tag = node.tag.name;
    const template = node.quasi;
    if (tag === "css" && template.expressions.length === 0) {
      const [start, end] = spans(template)[0]!;
      // An escape means one thing raw (the source) and another cooked (what Lit reads): left as written.
      if (!code.slice(start, end).includes("\\")) edits.push({ start, end, text: minifyCss(code.slice(start, end), where) });
    } else if (tag === "html" || tag === "svg") {
      for (const [start, end] of spans(template)) edits.push({ start, end, text: collapseMarkup(code.slice(start, end)) });
    }
  });
  let out = code;
  for (const edit of edits.sort((a, b) => b.start - a.start)) out = out.slice(0, edit.start) + (await edit.text) + out.slice(edit.end);
  return out;
}

/** The plugin, for the TypeScript files whose path matches `dir` (the widget's UI). */
export function templateLiterals(dir: RegExp): Plugin {
  return {
    name: "template-literals",
    setup(build) {
      build.onLoad({ filter: /\.ts$/ }, async (args) => {
        if (!dir.test(args.path)) return undefined;
        const code = await readFile(args.path, "utf8");
        if (!/\b(css|html|svg)`/.test(code)) return undefined;
        return { contents: await minifyTemplates(code, args.path), loader: "ts" };
      });
    },
  };
}
