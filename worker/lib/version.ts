/** The Assent release; reported by /v1/health. Bump with package.json. */
export const ASSENT_VERSION = "0.1.0";
