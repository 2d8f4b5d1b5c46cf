/**
 * worker/lib: small helpers every feature folder uses and that belong to none of them: the
 * error type and its problem+json rendering, encodings (base64url, canonical JSON), hashes
 * (SHA-256, keyed HMAC, derived site secrets), bearer parsing, reading a JSON body against a
 * contract schema, named D1 batches, CSV fields, response bodies streamed a page at a time, the WCAG
 * contrast check and the release version. Nothing here imports a feature folder: only the
 * contract's types and the env.
 *
 * Import the file you need (`../lib/errors`), not this index: it only documents the folder.
 */
export {};
