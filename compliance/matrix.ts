/**
 * The compliance matrix: every requirement with the tests that prove it, and what is wrong with
 * the evidence — a MUST without a test or a reason it does not apply, a test citing an id that
 * does not exist. `npm run compliance` writes it to COMPLIANCE.md; `npm test` checks it.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Requirement } from "./requirement";
import { type TestTitle, collectTests } from "./test-titles";

/** Where a requirement stands. */
export type Status = "tested" | "not applicable" | "pending" | "not tested";

/** One line of the matrix. */
export interface MatrixRow {
  requirement: Requirement;
  status: Status;
  tests: TestTitle[];
}

/** Something that makes the matrix fail its check. */
export interface MatrixProblem {
  code: "untested_must" | "unknown_id" | "pending_must" | "not_applicable_but_tested";
  message: string;
}

/** The matrix and its problems. */
export interface Matrix {
  rows: MatrixRow[];
  problems: MatrixProblem[];
  testCount: number;
}

/** The test files the matrix reads, repository-relative, sorted: vitest's and Playwright's. */
export function testFiles(root: string): string[] {
  return readdirSync(join(root, "test"), { recursive: true, encoding: "utf8" })
    .map((f) => `test/${f.split("\\").join("/")}`)
    .filter((f) => /\.test\.ts$/.test(f) || /^test\/e2e\/.*\.spec\.ts$/.test(f))
    .sort();
}

/** Every test of the repository with the ids it claims. */
export function readTests(root: string): TestTitle[] {
  return testFiles(root).flatMap((f) => collectTests(f, readFileSync(join(root, f), "utf8")));
}

const binding = (r: Requirement) => r.level === "MUST" || r.level === "MUST NOT";

/** Matches tests to requirements and lists what fails the check. */
export function buildMatrix(requirements: readonly Requirement[], tests: readonly TestTitle[]): Matrix {
  const known = new Set(requirements.map((r) => r.id));
  const problems: MatrixProblem[] = [];
  for (const t of tests)
    for (const id of t.ids)
      if (!known.has(id)) problems.push({ code: "unknown_id", message: `${t.file}:${t.line} cites ${id}, which is not a requirement ("${t.title}")` });
  const rows = requirements.map((requirement): MatrixRow => {
    const proving = tests.filter((t) => t.ids.includes(requirement.id));
    const status: Status = requirement.notApplicable ? "not applicable" : proving.length > 0 ? "tested" : requirement.pending ? "pending" : "not tested";
    if (binding(requirement) && status === "not tested")
      problems.push({ code: "untested_must", message: `${requirement.id} (${requirement.level}) has no test and no reason it does not apply` });
    if (binding(requirement) && requirement.pending && !requirement.notApplicable)
      problems.push({ code: "pending_must", message: `${requirement.id} (${requirement.level}) is marked pending: a MUST needs a test now` });
    if (requirement.notApplicable && proving.length > 0)
      problems.push({ code: "not_applicable_but_tested", message: `${requirement.id} is marked not applicable but ${proving.length} test(s) cite it` });
    return { requirement, status, tests: proving };
  });
  return { rows, problems, testCount: tests.length };
}
