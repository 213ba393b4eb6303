// Types for the `candor` npm package: the config, the decisions and the
// API (docs/config.md and docs/api.md are the reference).

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

/** A colour: `#rgb` or `#rrggbb`. */
export type Colour = string;

/** The widget's look; colours that would put any text below WCAG AA contrast are refused. */
export interface ThemeConfig {
  /** `page` (default) follows the page's `color-scheme`; `light` or `dark` fix it. */
  colorScheme?: "page" | "light" | "dark";
  accent?: Colour;
  text?: Colour;
  background?: Colour;
  /** The same three for the dark scheme. */
  dark?: { accent?: Colour; text?: Colour; background?: Colour };
  /** Corner radius in CSS pixels, 0 to 24. */
  radius?: number;
  /** A CSS font-family list, or `"inherit"` for the page's font. */
  fontFamily?: string;
}

/** The site config. Unknown fields are rejected. */
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
  /** The persistent "Privacy choices" button: bottom corner on the start (default) or end side, or none (then mark a page element `data-candor-open`). */
  floatingButton?: "start" | "end" | "none";
  theme?: ThemeConfig;
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
  | "count-not-saved"
  | "invalid-request"
  | "not-ready";

/** A decision. */
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
  /** Epoch ms; null for a required purpose before any choice. */
  at: number | null;
  method: Method;
  duration: DurationConfig;
}

export interface Preferences {
  consentId: string;
  /** The config revision of the record; null before any choice. */
  revision: number | null;
  purposes: { [purpose: string]: PurposeState };
}

/** Proof-of-consent record (consent id, timestamps, revision, language, method,
 * each purpose's shown title/description/choice, policy URL, SHA-256 of the texts). */
export interface Receipt {
  consentId: string;
  [field: string]: unknown;
}

/** How an `ask()` ended. */
export interface AskResult {
  allowed: boolean;
  /** `already`: allowed before, no prompt; `unavailable`: unknown or required purpose, or not ready. */
  answer: "yes" | "no" | "dismissed" | "already" | "unavailable";
}

export interface Candor {
  /** Resolves once the saved choices are loaded; rejects on a bad config. */
  readonly ready: Promise<Candor>;
  allows(purpose: string): boolean;
  decide(request: Request | string): Decision;
  /**
   * Like decide; counts one delivered message against the channel's cap when
   * allowed. On a capped channel only the tab that holds the count (the one
   * in front) may send; elsewhere it answers `count-not-saved`: use recordAsync.
   */
  record(request: Request | string): Decision;
  /** Like record, exact across tabs: resolves once the count is saved. */
  recordAsync(request: Request | string): Promise<Decision>;
  explain(request: Request | string): string;
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
  /** The same, telling "No" from a dismissed prompt. */
  ask(purpose: string, options: { detail: true }): Promise<AskResult>;
  /** Opens the "Why this?" panel: the explanation, the choice behind it, the data used, a switch-off button. */
  why(request: Request | string): void;
}

/** Where the npm build finds its assets when the bundler did not copy them. */
export interface StartOptions {
  /** The URL of candor_web_bg.wasm. */
  wasmUrl?: string | URL;
  /** A folder with candor_web_bg.wasm and i18n/<lang>.txt (the script-tag folder). */
  baseUrl?: string | URL;
}

/** Start Candor; rejects with a `Candor:` message on a bad config or a widget that could not load. */
export function start(config: Config | string, options?: StartOptions): Promise<Candor>;

declare global {
  interface WindowEventMap {
    "candor:ready": CustomEvent<Candor>;
    "candor:change": CustomEvent<Preferences>;
  }
}
