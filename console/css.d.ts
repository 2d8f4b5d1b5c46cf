// Stylesheets imported as text (esbuild's `text` loader, scripts/build-console.ts), adopted by
// Lit elements through `unsafeCSS`: a third party's CSS in a shadow root, under a strict CSP.
declare module "*.css" {
  const text: string;
  export default text;
}
