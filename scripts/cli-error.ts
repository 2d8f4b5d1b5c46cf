/** A CLI failure: printed without a stack trace, exit code 1 (2 for usage errors). */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}

/**
 * What a CLI's `main` does with an error it caught: a CliError's message (no stack) and its exit
 * code; anything else printed whole, exit code 1.
 */
export function exitCodeOf(err: unknown): number {
  if (err instanceof CliError) {
    console.error(err.message);
    return err.exitCode;
  }
  console.error(err);
  return 1;
}
