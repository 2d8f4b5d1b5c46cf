/**
 * The visitors the scanner plays. Each runs in its own fresh browser context, so nothing one
 * profile stored is seen by another.
 */
import type { Regime, ScanProfileId } from "../worker/contract";

export interface ScanProfile {
  id: ScanProfileId;
  /** For people: "EU visitor", … */
  label: string;
  /** The location the profile stands for, as `X-Assent-Dev-Geo` takes it ("DE", "US-CA"). */
  geo: string;
  /** Global Privacy Control: the `Sec-GPC: 1` header and `navigator.globalPrivacyControl`. */
  gpc: boolean;
  /** The regime a site should apply, used when the site does not run Assent and cannot say. */
  expectedRegime: Regime;
}

export const PROFILES: Record<ScanProfileId, ScanProfile> = {
  eu: { id: "eu", label: "EU visitor (Germany)", geo: "DE", gpc: false, expectedRegime: "opt-in" },
  "us-ca": { id: "us-ca", label: "Californian", geo: "US-CA", gpc: false, expectedRegime: "opt-out" },
  "us-ca-gpc": { id: "us-ca-gpc", label: "Californian with Global Privacy Control", geo: "US-CA", gpc: true, expectedRegime: "opt-out" },
};

export const ALL_PROFILES = Object.keys(PROFILES) as ScanProfileId[];

/** Parses `--profiles eu,us-ca`: known ids, no repeats. */
export function parseProfiles(value: string): ScanProfileId[] {
  const ids = value.split(",").map((s) => s.trim()).filter(Boolean);
  const unknown = ids.filter((id) => !(id in PROFILES));
  if (unknown.length || ids.length === 0)
    throw new Error(`--profiles takes a comma-separated list of ${ALL_PROFILES.join(", ")}${unknown.length ? ` (not: ${unknown.join(", ")})` : ""}`);
  return [...new Set(ids)] as ScanProfileId[];
}
