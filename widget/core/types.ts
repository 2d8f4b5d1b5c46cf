/**
 * Types shared by the widget's modules. API shapes come from the Worker's contract as *types
 * only*, so zod never reaches the embed.
 */
import type {
  BootstrapResponse,
  ConsentAction,
  ConsentModeType,
  ConsentSurface,
  Regime,
} from "../../worker/contract";

export type { BootstrapResponse, ConsentAction, ConsentModeType, ConsentSurface, Regime };
import type { UsOptOut } from "../../shared/consent-rules";
import type { AssentRegime, AssentSurface } from "../public-api";

/** A decision not yet confirmed by the Worker: retried with the same key until it is. */
export interface PendingSync {
  idempotencyKey: string;
  body: {
    action: ConsentAction;
    choices?: Record<string, boolean>;
    policyFingerprint: string;
    locale: string;
    gpc: boolean;
    widgetVersion: string;
    textHash: string;
    surface: ConsentSurface;
  };
  attempts: number;
}

/**
 * What the widget keeps in the site's own localStorage (`assent:v1:{siteId}`). Written at the
 * first decision, never before (R1.2). `kind: "notice"` is the trace of a visitor who only
 * acknowledged an opt-out or notice banner: no visitor id, nothing sent to the Worker.
 */
export interface LocalRecord {
  v: 1;
  kind: "decision" | "notice";
  siteId: string;
  /** Every category stated true/false (for `notice`: the regime's defaults). */
  categories: Record<string, boolean>;
  action?: ConsentAction;
  gpc: boolean;
  /** The US opt-out the decision stated (R0.3); absent in records written before it existed. */
  usOptOut?: UsOptOut;
  regime: Regime;
  fingerprint: string;
  policyVersion: string;
  /** Client time of the decision, ISO; the newer record wins (R6.1). */
  updatedAt: string;
  /** When the decision stops counting and the visitor is asked again (R1.12, R1.13). */
  expiresAt: string;
  /** Last time bootstrap confirmed `fingerprint` is still current. */
  checkedAt: string;
  /** Everything needed to apply the record with no request. */
  consentMode: Record<string, ConsentModeType[]>;
  waitForUpdateMs: number;
  revalidateMinutes: number;
  /** Whether the site wants the floating "privacy choices" button (known without a request). */
  floatingButton: boolean;
  cookieMirror?: string;
  /** Categories that are always on, and those GPC turns off: known without a request. */
  required: string[];
  saleOrSharing: string[];
  /** Cookie/storage names per category, deleted on withdrawal where JS can reach them. */
  storage: Record<string, { name: string; type: string; domain?: string }[]>;
  /** Set once the Worker recorded a decision, or `identify` named the person's visitor. */
  visitorId?: string;
  token?: string;
  /**
   * The person this record follows (`identify`), as their signed identity spells the subject:
   * base64url of its UTF-8 (one spelling per subject). Set, the visitor is theirs.
   */
  subject?: string;
  receiptId?: string;
  /**
   * The latest receipt as the Worker signed it (a compact JWS, worker/proof/receipts.ts): the
   * visitor's own proof of the decision, verifiable offline against the site's JWK Set.
   */
  signedReceipt?: string;
  /** The Worker's per-visitor version of the receipt. */
  version?: number;
  pending?: PendingSync;
}

// The public surface (AssentState, AssentChangeDetail, AssentEventMap, AssentApi and the
// global declarations of window.assent and the two events) is declared once, in
// ../public-api.ts, which becomes the served /assent.d.ts.
export type { AssentApi, AssentChangeDetail, AssentEventMap, AssentRegime, AssentState, AssentSurface } from "../public-api";

/** The contract's names and the public ones must be the same sets (a compile-time check). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
export type PublicTypesMatchContract = [Assert<Same<Regime, AssentRegime>>, Assert<Same<ConsentSurface | "load" | "sync", AssentSurface>>];

declare global {
  interface Window {
    /** Google's Consent Mode queue and function (the widget creates them when the page has none). */
    dataLayer?: unknown[];
    gtag?: (...args: unknown[]) => void;
  }
}
