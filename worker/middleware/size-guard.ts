/**
 * The body cap (R6.3): every route that reads a body mounts `sizeGuard` first, so a large body
 * costs nothing before it is refused.
 */
import { bodyLimit } from "hono/body-limit";
import { SCAN_REPORT_MAX_BYTES } from "../contract/scan";
import { ApiError } from "../lib/errors";

/** Largest request body accepted, in bytes. */
export const MAX_BODY_BYTES = 8 * 1024;

/** Refuses bodies over MAX_BODY_BYTES with 413: by Content-Length up front, or while reading a streamed body. */
export const sizeGuard = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: () => {
    throw new ApiError(413, "body_too_large", "The request body is too large", {
      detail: `Bodies are limited to ${MAX_BODY_BYTES} bytes.`,
    });
  },
});

/** Largest console request body: a whole site configuration with every locale's wording. */
export const MAX_CONSOLE_BODY_BYTES = 512 * 1024;

/** The console's body cap (site configs are far larger than any visitor's request). */
export const consoleSizeGuard = bodyLimit({
  maxSize: MAX_CONSOLE_BODY_BYTES,
  onError: () => {
    throw new ApiError(413, "body_too_large", "The request body is too large", {
      detail: `Console requests are limited to ${MAX_CONSOLE_BODY_BYTES / 1024} KB.`,
    });
  },
});

/** Largest compliance scan report (`POST …/admin/scans`): the contract's, so the scanner can warn. */
export const MAX_SCAN_BODY_BYTES = SCAN_REPORT_MAX_BYTES;

/** The scan report's body cap (worker/scans/api.ts). */
export const scanSizeGuard = bodyLimit({
  maxSize: MAX_SCAN_BODY_BYTES,
  onError: () => {
    throw new ApiError(413, "body_too_large", "The request body is too large", {
      detail: `A scan report is limited to ${MAX_SCAN_BODY_BYTES / (1024 * 1024)} MB.`,
    });
  },
});
