/**
 * Bytes as the widget bench counts them: raw, gzip level 9 and brotli quality 11, each file
 * compressed on its own as a CDN serves it.
 */
import { brotliCompressSync, constants as zlib, gzipSync } from "node:zlib";

/** A file's (or a set's) size. */
export interface Size {
  bytes: number;
  gzip: number;
  brotli: number;
}

/** The three sizes of one file. */
export function sizeOf(body: Buffer | string): Size {
  const buf = typeof body === "string" ? Buffer.from(body) : body;
  return {
    bytes: buf.length,
    gzip: gzipSync(buf, { level: 9 }).length,
    brotli: brotliCompressSync(buf, {
      params: {
        [zlib.BROTLI_PARAM_QUALITY]: 11,
        [zlib.BROTLI_PARAM_MODE]: zlib.BROTLI_MODE_TEXT,
        [zlib.BROTLI_PARAM_SIZE_HINT]: buf.length,
      },
    }).length,
  };
}

/** The sizes of a set of files, added up. */
export const sum = (sizes: Size[]): Size => ({
  bytes: sizes.reduce((n, s) => n + s.bytes, 0),
  gzip: sizes.reduce((n, s) => n + s.gzip, 0),
  brotli: sizes.reduce((n, s) => n + s.brotli, 0),
});
