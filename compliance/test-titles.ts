/**
 * Reads the requirement ids the tests claim to prove. A test proves the ids written in its own
 * title or in the title of any `describe` around it: `it("Reject all refuses everything (R1.3)")`,
 * `describe("GPC (R2.1–R2.3)")` (a range within one section stands for every id in it).
 *
 * The titles are read from the source with Babel's parser (TypeScript 7, the compiler here, has
 * no JavaScript API to parse with) rather than by running the suites: listing the worker suite
 * needs workerd and the browser suite a browser, and the matrix must be cheap enough to check on
 * every `npm test`. Both runners take the title from the first argument of `it`/`test`/
 * `describe`, so that is what is read; a skipped or to-do test proves nothing and is left out.
 */
import { parse } from "@babel/parser";
import type { Node } from "@babel/types";

/** One test and the ids it claims. */
export interface TestTitle {
  /** Repository-relative path, with forward slashes. */
  file: string;
  /** The describe titles and the test's own, joined with " › ". */
  title: string;
  line: number;
  ids: string[];
}

const ID = /R(\d+)\.(\d+)(?:\s*[–-]\s*R?(\d+)\.(\d+))?/g;

/**
 * The requirement ids in a piece of text, in order of appearance, without repeats. A range
 * (`R2.1–R2.3`, `R9.3-R9.8`) within one section expands to every id in it; a range across
 * sections is read as its two ends only.
 */
export function idsIn(text: string): string[] {
  const out: string[] = [];
  const add = (id: string) => {
    if (!out.includes(id)) out.push(id);
  };
  for (const m of text.matchAll(ID)) {
    const [major, minor, toMajor, toMinor] = [m[1], m[2], m[3], m[4]].map((s) => (s === undefined ? undefined : Number(s)));
    if (toMajor === undefined || toMinor === undefined) {
      add(`R${major}.${minor}`);
      continue;
    }
    if (toMajor === major && toMinor! > minor! && toMinor! - minor! < 50) for (let i = minor!; i <= toMinor!; i++) add(`R${major}.${i}`);
    else {
      add(`R${major}.${minor}`);
      add(`R${toMajor}.${toMinor}`);
    }
  }
  return out;
}

type Kind = "suite" | "test" | "skipped" | null;

/** Names whose call registers a suite or a test, and modifiers that keep or drop it. */
const SUITES = new Set(["describe", "suite"]);
const TESTS = new Set(["it", "test"]);
const DROPPED = new Set(["skip", "todo", "fixme", "skipIf", "runIf"]);
const KEPT = new Set(["only", "concurrent", "sequential", "serial", "parallel", "each", "for", "fails"]);

/** What a call's callee registers: `describe`, `test.describe.serial`, `it.each(rows)`, … */
function kindOf(callee: Node, aliases: ReadonlyMap<string, string>): Kind {
  const names: string[] = [];
  let e: Node = callee;
  for (;;) {
    if (e.type === "CallExpression") e = e.callee; // it.each(rows)("title", …)
    else if (e.type === "MemberExpression" && e.property.type === "Identifier") {
      names.unshift(e.property.name);
      e = e.object;
    } else break;
  }
  if (e.type !== "Identifier") return null;
  names.unshift(aliases.get(e.name) ?? e.name);
  const [root, ...rest] = names;
  const isTestRoot = TESTS.has(root!);
  if (!isTestRoot && !SUITES.has(root!)) return null;
  if (rest.some((n) => DROPPED.has(n))) return "skipped";
  const plain = rest.filter((n) => !KEPT.has(n));
  // test.describe(...) is Playwright's suite; test.step, test.beforeEach and the like are not tests.
  if (isTestRoot && plain.length === 1 && SUITES.has(plain[0]!)) return "suite";
  if (plain.length > 0) return null;
  return isTestRoot ? "test" : "suite";
}

/** The text of a title argument: a string, or a template with its placeholders kept as `${…}`. */
function titleText(arg: Node | undefined, text: string): string | null {
  if (!arg) return null;
  if (arg.type === "StringLiteral") return arg.value;
  if (arg.type === "TemplateLiteral") return text.slice(arg.start! + 1, arg.end! - 1);
  return null;
}

/** The child nodes of a node, in source order. */
function children(node: Node): Node[] {
  const out: Node[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (key === "loc" || key.endsWith("Comments")) continue;
    for (const v of Array.isArray(value) ? value : [value])
      if (v && typeof v === "object" && typeof (v as Node).type === "string") out.push(v as Node);
  }
  return out;
}

/** Every test of one file with the ids it claims (its own and its suites'). */
export function collectTests(file: string, text: string): TestTitle[] {
  const ast = parse(text, { sourceType: "module", plugins: ["typescript"], errorRecovery: false });
  // `import { test as withAssent } from "./fixtures"`: the file's own name for a test function.
  const aliases = new Map<string, string>();
  for (const statement of ast.program.body)
    if (statement.type === "ImportDeclaration")
      for (const s of statement.specifiers)
        if (s.type === "ImportSpecifier" && s.imported.type === "Identifier" && (TESTS.has(s.imported.name) || SUITES.has(s.imported.name)))
          aliases.set(s.local.name, s.imported.name);
  const out: TestTitle[] = [];
  const visit = (node: Node, suites: string[]): void => {
    if (node.type === "CallExpression") {
      const kind = kindOf(node.callee, aliases);
      if (kind === "skipped") return;
      const title = kind ? titleText(node.arguments[0], text) : null;
      if (title !== null && kind === "suite") {
        node.arguments.slice(1).forEach((a) => visit(a, [...suites, title]));
        return;
      }
      if (title !== null && kind === "test") {
        const path = [...suites, title];
        out.push({ file, title: path.join(" › "), line: node.loc!.start.line, ids: idsIn(path.join(" ")) });
        return;
      }
    }
    for (const child of children(node)) visit(child, suites);
  };
  visit(ast.program, []);
  return out;
}
