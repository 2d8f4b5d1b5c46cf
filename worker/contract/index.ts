/**
 * The Assent API contract: every request, response and configuration document as a zod schema,
 * with the TypeScript type inferred from it. One file per section of the API; this index
 * re-exports them all, so `worker/contract` is the one import path for both halves.
 *
 * The Worker validates with these schemas; the widget imports the *types* only
 * (`import type { … } from "../worker/contract"`), so zod never ships in the embed.
 * `import * as z` (not `import { z }`) keeps zod's locales out of the Worker bundle.
 *
 * Sections: ids (identifiers), site-config (the SITES document), bootstrap, consents
 * (decisions), signed-receipts (what a receipt's signature states), me (the visitor's own data), email (lists), admin (site owner API), identity
 * (across devices), webhooks, console (the site owner's console), rights (privacy rights requests), scan (the compliance scanner's report), problem (errors). Schema
 * helpers live in fields.ts, and logic the schemas use (the WCAG contrast check) in worker/lib/.
 */
export * from "./ids";
export * from "./site-config";
export * from "./bootstrap";
export * from "./consents";
export * from "./signed-receipts";
export * from "./me";
export * from "./email";
export * from "./admin";
export * from "./bulk-erasure";
export * from "./identity";
export * from "./webhooks";
export * from "./console";
export * from "./rights";
export * from "./scan";
export * from "./problem";
