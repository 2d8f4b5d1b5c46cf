/**
 * CSV as the console's exports write it (RFC 4180, CRLF line ends), made safe to open in a
 * spreadsheet.
 */

/**
 * One CSV field (RFC 4180): quoted when it holds a quote, comma or line break. A text that a
 * spreadsheet would run as a formula (= + - @ at the start) gets a leading apostrophe, so an
 * export opened in a spreadsheet runs nothing a site's wording put there.
 */
export function csvField(value: unknown): string {
  let text = value === null || value === undefined ? "" : typeof value === "object" ? JSON.stringify(value) : String(value);
  if (/^[=+\-@\t\r]/.test(text) && typeof value === "string") text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
