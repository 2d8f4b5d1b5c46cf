/**
 * The answer of a page the Worker renders for a person (the email pages, the rights pages):
 * HTML, never cached, no referrer, and a CSP that allows no script, no frame around it, and
 * only the Worker's own stylesheet and forms.
 */
export function htmlResponse(body: string, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(body, {
    status,
    headers: {
      "Content-Type": "text/html; charset=utf-8",
      "Cache-Control": "no-store",
      "Referrer-Policy": "no-referrer",
      "Content-Security-Policy": "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
      ...headers,
    },
  });
}
