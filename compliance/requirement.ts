/**
 * The shape of one compliance requirement in the matrix (`compliance/requirements.ts`). The ids
 * and levels are those of the project's requirements document; the statements are ours.
 */

/** How binding a requirement is: a MUST (or MUST NOT) needs a test or a reason it does not apply. */
export type Level = "MUST" | "MUST NOT" | "SHOULD" | "MAY";

/** One requirement: its id (`R1.4`), level, section and a one-line statement in our own words. */
export interface Requirement {
  id: string;
  level: Level;
  /** The section heading it belongs to, e.g. "GDPR and ePrivacy consent". */
  section: string;
  /** One line, in the project's words: what Assent does to meet it. */
  statement: string;
  /** Why it does not apply to Assent (a feature it deliberately does not have). */
  notApplicable?: string;
  /**
   * What Assent does not (yet) do of a requirement it otherwise meets and tests, said openly in
   * the matrix rather than hidden behind "tested".
   */
  gap?: string;
  /** Not built yet: the issue that will build it (only allowed below MUST). */
  pending?: { issue: number; why: string };
}
