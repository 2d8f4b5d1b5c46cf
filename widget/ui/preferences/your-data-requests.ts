/**
 * "Your data" in the preference center: the visitor's export and erasure, through the
 * controller's API client (the token is added there) and, for erasure, `controller.forget`.
 */
import { ApiFailure, erase, exportData as fetchExport } from "../../core/api-client";
import type { Controller } from "../../core/controller";

/** Downloads the Worker's export of this visitor's data as a JSON file. */
export async function exportData(c: Controller): Promise<void> {
  const token = c.record?.token;
  if (!token) throw new ApiFailure(404, "no_record", "Nothing is stored on the server yet.");
  const doc = await fetchExport(c.api, token);
  const a = document.createElement("a");
  a.href = URL.createObjectURL(new Blob([JSON.stringify(doc, null, 2)], { type: "application/json" }));
  a.download = `assent-${c.siteId}-export.json`;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

/**
 * Erases the visitor's data on the Worker and here. Optional categories go back to the
 * regime's defaults at once; the banner asks again on the next page.
 */
export async function deleteData(c: Controller): Promise<void> {
  const token = c.record?.token;
  if (token) await erase(c.api, token);
  c.forget("preferences");
}
