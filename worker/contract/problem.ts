/**
 * Errors: RFC 9457 problem details, the body of every error answer.
 */
import * as z from "zod";

export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.int(),
  detail: z.string(),
  /** Stable snake_case code for programs; titles and details may change. */
  code: z.string(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type Problem = z.infer<typeof Problem>;
