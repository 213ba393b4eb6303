// Types for the `candor` npm package (CONTRACT §1–§3).

/** A string, or a map from language tag to string. */
export type Text = string | { [lang: string]: string };

export type SignalKind = "interest" | "context" | "demographic" | "sensitive";

export interface SignalConfig {
  id: string;
  kind: SignalKind;
  label: Text;
}

export interface CapConfig {
  max: number;
  perHours?: number;
  perDays?: number;
}

export interface ChannelConfig {
  id: string;
  label: Text;
  cap?: CapConfig;
}

export type DurationConfig = "session" | { days: number };

export interface PurposeConfig {
  id: string;
  required?: boolean;
  duration?: DurationConfig;
  signals?: string[];
  channels?: string[];
  title: Text;
  description: Text;
  saleOrShare?: boolean;
  /** Cookie names or prefixes (ending in `*`) deleted on refusal or withdrawal. */
  cookies?: string[];
}

export type ConsentModeType =
  | "ad_storage"
  | "ad_user_data"
  | "ad_personalization"
  | "analytics_storage"
  | "functionality_storage"
  | "personalization_storage"
  | "security_storage";

/** The site config (CONTRACT §1). Unknown fields are rejected. */
export interface Config {
  revision?: number;
  policyUrl?: string;
  expiresAfterDays?: number;
  defaultLanguage?: string;
  demographicTargeting?: "deny" | "disclosed";
  signals?: SignalConfig[];
  channels?: ChannelConfig[];
  purposes: PurposeConfig[];
  googleConsentMode?: Partial<Record<ConsentModeType, string[]>>;
  /** Language tag → UI text key → text. */
  translations?: { [lang: string]: { [key: string]: string } };
  receiptEndpoint?: string;
  reloadOnWithdrawal?: boolean;
}

/** What the site asks before personalizing. */
export interface Request {
  purpose: string;
  signals?: string[];
  channel?: string;
}

export type Reason =
  | "unknown-purpose"
  | "sensitive-signal"
  | "demographic-signal"
  | "undeclared-signal"
  | "undeclared-channel"
  | "required"
  | "gpc"
  | "no-choice"
  | "outdated"
  | "expired"
  | "refused"
  | "frequency-cap"
  | "granted"
  | "invalid-request"
  | "not-ready";

/** The decision of CONTRACT §2. */
export interface Decision {
  allowed: boolean;
  reason: Reason;
  purpose: string;
  /** A sentence for the shopper, in the page's language. */
  explanation: string;
  /** Epoch ms when a capped channel frees up (`frequency-cap` only). */
  retryAfter?: number;
}

export type Method = "accept-all" | "reject-all" | "preferences" | "api" | "ask" | "required";

export interface PurposeState {
  granted: boolean;
  /** Epoch ms. */
  at: number;
  method: Method;
  duration: DurationConfig;
}

export interface Preferences {
  consentId: string;
  revision: number;
  purposes: { [purpose: string]: PurposeState };
}

/** Proof-of-consent record (consent id, timestamps, revision, language, method,
 * each purpose's shown title/description/choice, policy URL, SHA-256 of the texts). */
export interface Receipt {
  consentId: string;
  [field: string]: unknown;
}

export interface Candor {
  /** Resolves once the saved choices are loaded; rejects on a bad config. */
  readonly ready: Promise<Candor>;
  allows(purpose: string): boolean;
  decide(request: Request): Decision;
  /** Like decide; counts one delivered message against the channel's cap when allowed. */
  record(request: Request): Decision;
  explain(request: Request): string;
  acceptAll(): void;
  rejectAll(): void;
  /** Records one choice (method `api`); false for an unknown or required purpose. */
  set(purpose: string, granted: boolean): boolean;
  show(): void;
  hide(): void;
  /** Null before ready. */
  preferences(): Preferences | null;
  /** Null before ready. */
  receipt(): Receipt | null;
  reset(): void;
  /** Returns an unsubscribe function. */
  on(type: "change", cb: (preferences: Preferences) => void): () => void;
  /** A small non-blocking Yes/No prompt for one purpose (method `ask`); true once allowed. */
  ask(purpose: string): Promise<boolean>;
  /** Opens the "Why this?" panel: the explanation, the choice behind it, the data used, a switch-off button. */
  why(request: Request | string): void;
}

/** Start Candor; rejects with the validation message on a bad config. */
export function start(config: Config | string): Promise<Candor>;

declare global {
  interface Window {
    candor?: Candor;
  }
  interface WindowEventMap {
    "candor:ready": CustomEvent<Candor>;
    "candor:change": CustomEvent<Preferences>;
  }
}
