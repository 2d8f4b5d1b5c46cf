/**
 * Reading a JSON request body the one way every endpoint does: malformed JSON is a 400
 * `malformed_json`, a body the schema refuses is a 422 `invalid_body` listing every problem,
 * and nothing is touched before both checks passed. An empty body reads as `{}`: a request whose
 * fields are all optional (`POST …/redeliver`) needs none, and any other gets the list of what
 * is missing rather than a parse error.
 */
import type * as z from "zod";
import { ApiError, invalidBody } from "../lib/errors";

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
