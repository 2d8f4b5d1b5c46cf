/**
 * Turns a validated consent request into the categories that are recorded: every category of
 * the site stated true or false, `necessary` always true, and GPC applied (R1.14, R2.2).
 * Pure: no storage, so the rules are tested as tables.
 */
import type { Category, ConsentRequest } from "./contract";
import { ApiError } from "./errors";

export interface Decision {
  categories: Record<string, boolean>;
  /** True when GPC turned off something the request would otherwise have granted. */
  gpcApplied: boolean;
}

/**
 * Resolves the categories for an action.
 * - `accept_all`: every category on; `reject_all` and `withdraw`: only `necessary` on;
 *   `custom`: exactly what `choices` states, which must name every optional category.
 * - Unknown categories are refused (422 `unknown_category`), and so is `necessary: false`
 *   (422 `necessary_required`); an `accept_all` carrying a `false` choice is contradictory (422).
 * - With GPC, categories marked `saleOrSharing` are forced off whatever was asked.
 */
export function decide(categories: Category[], request: ConsentRequest, gpc: boolean): Decision {
  const known = new Set(categories.map((c) => c.id));
  const choices = request.choices ?? {};
  const unknown = Object.keys(choices).filter((id) => !known.has(id));
  if (unknown.length > 0)
    throw new ApiError(422, "unknown_category", "The decision names a category this site does not have", {
      detail: `Unknown categories: ${unknown.join(", ")}.`,
      errors: unknown.map((id) => ({ path: `choices.${id}`, message: "no such category" })),
    });
  for (const c of categories)
    if (c.required && choices[c.id] === false)
      throw new ApiError(422, "necessary_required", "A required category cannot be turned off", {
        detail: `"${c.id}" is strictly necessary and always on.`,
        errors: [{ path: `choices.${c.id}`, message: "required categories are always true" }],
      });

  const wanted: Record<string, boolean> = {};
  for (const c of categories) {
    if (c.required) wanted[c.id] = true;
    else if (request.action === "accept_all") wanted[c.id] = true;
    else if (request.action === "reject_all" || request.action === "withdraw") wanted[c.id] = false;
    else {
      const value = choices[c.id];
      if (value === undefined)
        throw new ApiError(422, "missing_category", "A custom decision must state every category", {
          detail: `State "${c.id}" as true or false.`,
          errors: [{ path: `choices.${c.id}`, message: "missing" }],
        });
      wanted[c.id] = value;
    }
    if (request.action !== "custom" && choices[c.id] !== undefined && choices[c.id] !== wanted[c.id])
      throw new ApiError(422, "choices_contradict_action", "The choices contradict the action", {
        detail: `${request.action} sets "${c.id}" to ${wanted[c.id]}, but choices say ${choices[c.id]}.`,
        errors: [{ path: `choices.${c.id}`, message: `must be ${wanted[c.id]} for ${request.action}` }],
      });
  }

  let gpcApplied = false;
  const result: Record<string, boolean> = {};
  for (const c of categories) {
    const forcedOff = gpc && c.saleOrSharing && !c.required;
    if (forcedOff && wanted[c.id]) gpcApplied = true;
    result[c.id] = forcedOff ? false : wanted[c.id]!;
  }
  return { categories: result, gpcApplied };
}

/** True when the decision grants anything beyond the required categories. */
export function grantsAnything(categories: Category[], decided: Record<string, boolean>): boolean {
  return categories.some((c) => !c.required && decided[c.id] === true);
}
