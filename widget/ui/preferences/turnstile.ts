/**
 * Cloudflare Turnstile for the email signup in the preference center (R6.11), in the lazily
 * loaded chunk only: the first-visit bundle never contains it, and nothing here runs before the
 * visitor starts using the signup form. Consent choices never involve it.
 *
 * - Cloudflare's `api.js?render=explicit` is added to the page on first use, once per page.
 * - The widget is rendered explicitly (`turnstile.render(container, { sitekey, action,
 *   callback, "error-callback", "expired-callback", "timeout-callback" })`) into a container in
 *   the page's light DOM: Turnstile looks its container and iframe up through `document`, so it
 *   cannot render inside a shadow root. The preference center slots that container into its
 *   form (see preferences.ts).
 * - Tokens are single use: `take()` hands the current token out and resets the widget at once,
 *   so the next attempt gets a fresh one.
 */

/** Cloudflare's script; it must be loaded from this exact URL (no copies, no proxies). */
export const TURNSTILE_SCRIPT_URL = "https://challenges.cloudflare.com/turnstile/v0/api.js?render=explicit";

/** Give up on the script after this long (a blocked or very slow network). */
const SCRIPT_TIMEOUT_MS = 15_000;

/** The part of `window.turnstile` used here. */
export interface TurnstileApi {
  render(container: HTMLElement, params: TurnstileRenderParams): string | null | undefined;
  reset(widgetId?: string): void;
  remove(widgetId?: string): void;
}

export interface TurnstileRenderParams {
  sitekey: string;
  action: string;
  callback: (token: string) => void;
  "error-callback": (code?: string) => boolean | void;
  "expired-callback": () => void;
  "timeout-callback": () => void;
  language?: string;
  theme?: "auto" | "light" | "dark";
}

declare global {
  interface Window {
    turnstile?: TurnstileApi;
  }
}

let loading: Promise<TurnstileApi> | undefined;

/** Adds Cloudflare's script to the page (once); resolves with `window.turnstile`. */
export function loadTurnstile(): Promise<TurnstileApi> {
  if (window.turnstile) return Promise.resolve(window.turnstile);
  loading ??= new Promise<TurnstileApi>((resolve, reject) => {
    const script = document.createElement("script");
    script.src = TURNSTILE_SCRIPT_URL;
    script.async = true;
    // A page with a nonce-based CSP gave Assent's tag a nonce: the challenge script gets it too.
    const nonce = document.querySelector<HTMLScriptElement>("script[data-site][nonce]")?.nonce;
    if (nonce) script.nonce = nonce;
    const timer = setTimeout(() => reject(new Error("Turnstile did not load in time")), SCRIPT_TIMEOUT_MS);
    script.onload = () => {
      clearTimeout(timer);
      if (window.turnstile) resolve(window.turnstile);
      else reject(new Error("Turnstile loaded without window.turnstile"));
    };
    script.onerror = () => {
      clearTimeout(timer);
      script.remove();
      reject(new Error("Turnstile could not be loaded (network or Content-Security-Policy)"));
    };
    document.head.append(script);
  });
  // A failed load may be retried (the visitor tries again later).
  loading.catch(() => (loading = undefined));
  return loading;
}

export type ChallengeState = "loading" | "ready" | "solved" | "error";

/** No token to send: the challenge is not solved (yet), or it failed. */
export class ChallengeError extends Error {}

/** One rendered Turnstile widget and its current token. */
export class TurnstileChallenge {
  private api: TurnstileApi | undefined;
  private widgetId: string | undefined;
  private token: string | null = null;
  private waiting: { resolve: (token: string) => void; reject: (err: Error) => void }[] = [];
  state: ChallengeState = "loading";

  constructor(
    private readonly settings: { siteKey: string; action: string },
    /** Called whenever `state` changes. */
    private readonly onChange: (state: ChallengeState) => void,
  ) {}

  /** Loads the script and renders the widget into `container` (a light-DOM element). */
  async mount(container: HTMLElement): Promise<void> {
    this.set("loading");
    try {
      this.api = await loadTurnstile();
      const id = this.api.render(container, {
        sitekey: this.settings.siteKey,
        action: this.settings.action,
        callback: (token) => {
          this.token = token;
          this.set("solved");
          for (const w of this.waiting.splice(0)) w.resolve(token);
        },
        "error-callback": (code) => {
          this.fail(new Error(`Turnstile error ${code ?? ""}`.trim()));
          // Handled here: Turnstile should not throw it on the page.
          return true;
        },
        "expired-callback": () => this.clear(),
        "timeout-callback": () => this.clear(),
      });
      if (id === null || id === undefined) throw new Error("Turnstile did not render");
      this.widgetId = id;
      if (this.state === "loading") this.set("ready");
    } catch (err) {
      this.fail(err instanceof Error ? err : new Error(String(err)));
      throw err;
    }
  }

  /** The current token, or null before the challenge is solved (or after it expired). */
  get current(): string | null {
    return this.token;
  }

  /**
   * Hands out the current token (or waits up to `waitMs` for the next one) and resets the widget
   * so the next attempt gets a fresh token: a token is good for one siteverify only.
   */
  async take(waitMs = 0): Promise<string> {
    let token = this.token;
    if (!token) {
      if (waitMs <= 0 || this.state === "error") throw new ChallengeError("no Turnstile token");
      token = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => {
          this.waiting = this.waiting.filter((w) => w !== entry);
          reject(new ChallengeError("no Turnstile token in time"));
        }, waitMs);
        const entry = {
          resolve: (t: string) => (clearTimeout(timer), resolve(t)),
          reject: (e: Error) => (clearTimeout(timer), reject(e)),
        };
        this.waiting.push(entry);
      });
    }
    this.reset();
    return token;
  }

  /** Drops the token and asks Turnstile for a new one. */
  reset(): void {
    this.clear();
    if (this.api && this.widgetId !== undefined) {
      try {
        this.api.reset(this.widgetId);
      } catch (err) {
        this.fail(err instanceof Error ? err : new Error(String(err)));
      }
    }
  }

  /** Removes the widget (the dialog closed). */
  remove(): void {
    if (this.api && this.widgetId !== undefined) {
      try {
        this.api.remove(this.widgetId);
      } catch {
        // already gone
      }
    }
    this.widgetId = undefined;
    this.token = null;
    for (const w of this.waiting.splice(0)) w.reject(new ChallengeError("Turnstile removed"));
  }

  private clear(): void {
    this.token = null;
    if (this.state === "solved") this.set("ready");
  }

  private fail(err: Error): void {
    this.token = null;
    for (const w of this.waiting.splice(0)) w.reject(new ChallengeError(err.message));
    this.set("error");
  }

  private set(state: ChallengeState): void {
    this.state = state;
    this.onChange(state);
  }
}
