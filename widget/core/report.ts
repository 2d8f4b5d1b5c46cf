/**
 * The core's one way to log a failure of our own code: a console warning prefixed `assent:`,
 * never an exception into the host page. (The UI modules have their own copy in
 * ../ui/context.ts: they are bundled apart from the core.)
 */
export function report(what: string, err: unknown): void {
  console.warn(`assent: ${what}`, err);
}
