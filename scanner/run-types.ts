/**
 * What the browser part of the scanner (run.ts) hands to the rules (rules.ts) for one profile:
 * the report's observations plus what the rules need beyond them. Plain data, so the rules are
 * tested as tables without a browser.
 */
import type { Regime, ScanButtonStyle, ScanConsentModeCall, ScanObservation, ScanProfileId, ScanState } from "../worker/contract";

/** A checkbox or switch of the banner or the preference center. */
export interface ControlState {
  label: string;
  checked: boolean;
  disabled: boolean;
}

/** The Consent Mode commands pushed after a click, for "one update per choice". */
export interface ChoiceCalls {
  state: ScanState;
  page: string;
  calls: ScanConsentModeCall[];
}

export interface ProfileRun {
  profile: ScanProfileId;
  regime: Regime;
  /** Where `regime` comes from: the site's Assent Worker, or the profile's expectation. */
  regimeSource: "worker" | "assumed";
  jurisdiction: string | null;
  gpc: boolean;
  /** The URL of the start page and of the other pages visited. */
  pages: string[];
  pageHost: string;
  /** The Assent Worker's host, when the page embeds Assent. */
  workerHost: string | null;
  observations: ScanObservation[];
  /** The first layer was found (a button to accept, reject or opt out). */
  bannerFound: boolean;
  buttons: { accept: ScanButtonStyle | null; reject: ScanButtonStyle | null } | null;
  /** Opt-out regimes: the first layer's "Do Not Sell or Share" (or similar) was found. */
  optOutFound: boolean;
  controls: ControlState[];
  choices: ChoiceCalls[];
  /** The page said that the GPC opt-out was honoured (GPC profiles; null otherwise). */
  gpcShown: boolean | null;
  /** Assent's own record after the visit (`window.assent.get().categories`), when there is one. */
  record: Record<string, boolean> | null;
}
