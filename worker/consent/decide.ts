/**
 * Turns a validated consent request into the categories that are recorded, with the rules the
 * widget uses too (shared/consent-rules.ts): every category of the site stated true or false,
 * `necessary` always true, and GPC applied (R1.14, R2.2). A decision the rules object to is
 * refused with the violation's code as a 422.
 */
import { type DecisionViolation, type ResolvedDecision, checkDecision, resolveDecision } from "../../shared/consent-rules";
import type { Category, ConsentRequest } from "../contract";
import { ApiError } from "../lib/errors";

export { grantsAnything } from "../../shared/consent-rules";

/** The categories a decision records; `gpcApplied` when GPC turned off something asked for. */
export type Decision = ResolvedDecision;

/**
 * Resolves the categories for an action.
 * - `accept_all`: every category on; `reject_all` and `withdraw`: only `necessary` on;
 *   `custom`: exactly what `choices` states, which must name every optional category.
 * - Unknown categories are refused (422 `unknown_category`), and so is `necessary: false`
 *   (422 `necessary_required`); an `accept_all` carrying a `false` choice is contradictory (422).
 * - With GPC, categories marked `saleOrSharing` are forced off whatever was asked.
 */
export function decide(categories: Category[], request: ConsentRequest, gpc: boolean): Decision {
  const violation = checkDecision(categories, request.action, request.choices);
  if (violation) throw refusal(violation, request.action);
  return resolveDecision(categories, request.action, request.choices, gpc);
}

/** The problem a violation is answered with. */
function refusal(v: DecisionViolation, action: ConsentRequest["action"]): ApiError {
  switch (v.code) {
    case "unknown_category":
      return new ApiError(422, v.code, "The decision names a category this site does not have", {
        detail: `Unknown categories: ${v.ids.join(", ")}.`,
        errors: v.ids.map((id) => ({ path: `choices.${id}`, message: "no such category" })),
      });
    case "necessary_required":
      return new ApiError(422, v.code, "A required category cannot be turned off", {
        detail: `"${v.id}" is strictly necessary and always on.`,
        errors: [{ path: `choices.${v.id}`, message: "required categories are always true" }],
      });
    case "missing_category":
      return new ApiError(422, v.code, "A custom decision must state every category", {
        detail: `State "${v.id}" as true or false.`,
        errors: [{ path: `choices.${v.id}`, message: "missing" }],
      });
    case "choices_contradict_action":
      return new ApiError(422, v.code, "The choices contradict the action", {
        detail: `${action} sets "${v.id}" to ${v.expected}, but choices say ${v.stated}.`,
        errors: [{ path: `choices.${v.id}`, message: `must be ${v.expected} for ${action}` }],
      });
  }
}
