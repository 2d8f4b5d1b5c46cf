/**
 * Reading a JSON request body the one way every endpoint does: malformed JSON is a 400
 * `malformed_json`, a body the schema refuses is a 422 `invalid_body` listing every problem,
 * and nothing is touched before both checks passed. An empty body reads as `{}`: a request whose
 * fields are all optional (`POST …/redeliver`) needs none, and any other gets the list of what
 * is missing rather than a parse error.
 *
 * Why not `@hono/zod-validator` (the project dropped the dependency, which nothing imported):
 * its `json` target reads the body through Hono's validator, which parses only when the
 * Content-Type says JSON (a server calling the admin API without it would validate `{}`), and
 * answers an empty or malformed body itself with a bare 400 before any hook runs. Keeping the
 * contract's answers (400 `malformed_json`, 422 `invalid_body` for an empty body, the same
 * parsing whatever the Content-Type on server-to-server routes) would take a body pre-parser
 * replacing Hono's, which is this function again plus a dependency. Handlers call it where the
 * order of checks needs it (the decision reads its body after the token and the rate limit).
 */
import type * as z from "zod";
import { ApiError, invalidBody } from "./errors";

/** The body of `req` parsed as JSON and validated by `schema` (see the module comment). */
export async function parseJsonBody<S extends z.ZodType>(req: Request, schema: S): Promise<z.infer<S>> {
  let raw: unknown;
  try {
    const text = await req.text();
    raw = text.trim() === "" ? {} : JSON.parse(text);
  } catch {
    throw new ApiError(400, "malformed_json", "The body is not valid JSON", { detail: "Send a JSON object." });
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw invalidBody(parsed.error);
  return parsed.data;
}
