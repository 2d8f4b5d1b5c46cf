/**
 * `npm run compliance`: builds the compliance matrix from the requirements list and the test
 * titles and writes COMPLIANCE.md. Exits 1 when a MUST has no test and no reason it does not
 * apply, or a test cites an id that does not exist.
 *
 * `npm run compliance -- --check` writes nothing and also exits 1 when COMPLIANCE.md is stale
 * (`npm test` makes the same check through test/node/compliance.test.ts).
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { buildMatrix, readTests } from "../compliance/matrix";
import { renderMarkdown } from "../compliance/render-markdown";
import { REQUIREMENTS } from "../compliance/requirements";

const root = fileURLToPath(new URL("..", import.meta.url));
const file = `${root}COMPLIANCE.md`;
const check = process.argv.includes("--check");
const unknown = process.argv.slice(2).filter((a) => a !== "--check" && a !== "--");
if (unknown.length > 0) {
  console.error(`Unknown argument: ${unknown.join(" ")}\nUsage: npm run compliance [-- --check]`);
  process.exit(2);
}

const matrix = buildMatrix(REQUIREMENTS, readTests(root));
const text = renderMarkdown(matrix);
const current = existsSync(file) ? readFileSync(file, "utf8") : null;
const problems = matrix.problems.map((p) => p.message);
if (check && current !== text) problems.push("COMPLIANCE.md is stale: run `npm run compliance` and commit the result");
if (!check && current !== text) writeFileSync(file, text);

const musts = matrix.rows.filter((r) => r.requirement.level.startsWith("MUST"));
console.log(
  `${musts.filter((r) => r.status === "tested").length} of ${musts.length} MUSTs tested, ${musts.filter((r) => r.status === "not applicable").length} not applicable; ` +
    `${matrix.testCount} tests read. ${check ? "COMPLIANCE.md checked" : current === text ? "COMPLIANCE.md unchanged" : "COMPLIANCE.md written"}.`,
);
for (const p of problems) console.error(`✗ ${p}`);
process.exit(problems.length > 0 ? 1 : 0);
