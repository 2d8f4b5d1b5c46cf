/**
 * The layout's two rules, checked on the source (issue #9):
 * - no import cycles among the modules of worker/, shared/ and widget/ (relative imports, `import type`
 *   and re-exports included: a cycle of types is still a cycle a reader has to untangle);
 * - the Worker's root holds only the entry (index.ts), the app assembly (app.ts) and the env
 *   types (env.ts and the generated worker-configuration.d.ts); everything else lives in a
 *   feature folder.
 */
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const ROOTS = ["worker", "shared", "widget", "console"];
const WORKER_ROOT_FILES = ["app.ts", "env.ts", "index.ts", "worker-configuration.d.ts"];

/** Every .ts file under `dir`, repository-relative. */
function sources(dir: string): string[] {
  return readdirSync(join(REPO, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(REPO, path)).isDirectory()) return sources(path);
    return name.endsWith(".ts") ? [path] : [];
  });
}

/** `from "./x"`, `import "./x"` and `import("./x")` specifiers that are relative. */
const SPECIFIER = /(?:\bfrom\s+|\bimport\s*\(?\s*)["'](\.{1,2}\/[^"']*)["']/g;

/** The file a relative specifier names (`x.ts`, `x.d.ts` or `x/index.ts`), or null. */
function resolveImport(from: string, specifier: string): string | null {
  const base = join(dirname(from), specifier);
  for (const candidate of [base, `${base}.ts`, `${base}.d.ts`, join(base, "index.ts")])
    if (existsSync(join(REPO, candidate)) && statSync(join(REPO, candidate)).isFile()) return relative(REPO, join(REPO, candidate));
  return null;
}

/** The import graph of the files under ROOTS: file → the files it imports. */
function importGraph(): Map<string, string[]> {
  const files = ROOTS.flatMap(sources);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const text = readFileSync(join(REPO, file), "utf8");
    const targets = [...text.matchAll(SPECIFIER)].map((m) => resolveImport(file, m[1]!)).filter((t): t is string => t !== null);
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** Every cycle found by a depth-first search, each as the path that closes it. */
function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, "open");
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (!graph.has(next)) continue;
      if (state.get(next) === "open") found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, "done");
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return found;
}

describe("the source layout", () => {
  it("has no import cycles in worker/, shared/, widget/ and console/", () => {
    const graph = importGraph();
    expect(graph.size).toBeGreaterThan(50);
    expect(cycles(graph).map((c) => c.join(" → "))).toEqual([]);
  });

  it("keeps the console and the widget apart: neither imports the other, and the console takes only types from the Worker", () => {
    const graph = importGraph();
    const edges = [...graph].flatMap(([from, tos]) => tos.map((to) => [from, to] as const));
    expect(edges.filter(([from, to]) => from.startsWith("widget/") && to.startsWith("console/"))).toEqual([]);
    expect(edges.filter(([from, to]) => from.startsWith("console/") && to.startsWith("widget/"))).toEqual([]);
    expect(edges.some(([from]) => from.startsWith("console/"))).toBe(true);
    for (const file of sources("console")) {
      const text = readFileSync(join(REPO, file), "utf8");
      // Every import of worker/ code is `import type`: the console's bundle carries no zod.
      const valueImports = [...text.matchAll(/^import\s+(?!type\b)[^;]*from\s+["'](\.{1,2}\/[^"']*worker\/[^"']*)["']/gm)].map((m) => m[1]);
      expect(valueImports, file).toEqual([]);
    }
  });

  it("finds a cycle when there is one (the check itself works)", () => {
    const graph = new Map([
      ["a.ts", ["b.ts"]],
      ["b.ts", ["c.ts"]],
      ["c.ts", ["a.ts"]],
      ["d.ts", ["a.ts"]],
    ]);
    expect(cycles(graph)).toEqual([["a.ts", "b.ts", "c.ts", "a.ts"]]);
  });

  it("keeps only the entry, the app assembly and the env types in the Worker's root", () => {
    const loose = readdirSync(join(REPO, "worker")).filter((name) => statSync(join(REPO, "worker", name)).isFile());
    expect(loose.sort()).toEqual(WORKER_ROOT_FILES.filter((name) => loose.includes(name)).sort());
    expect(loose).toEqual(expect.arrayContaining(["app.ts", "index.ts"]));
  });

  it("gives every folder of the Worker an index.ts whose opening comment says what it is for", () => {
    const folders = readdirSync(join(REPO, "worker")).filter((name) => statSync(join(REPO, "worker", name)).isDirectory());
    for (const folder of folders) {
      const index = join(REPO, "worker", folder, "index.ts");
      expect(existsSync(index), `worker/${folder}/index.ts`).toBe(true);
      expect(readFileSync(index, "utf8").trimStart().startsWith("/**"), `worker/${folder}/index.ts opens with a comment`).toBe(true);
    }
  });
});
