// Types of the public JavaScript API of Consentry (contract §5). The build writes
// dist/consentry.d.ts: this file after the types generated from the configuration schema and
// the built configuration (`CategoryId`, `ServiceId`, `ConsentryConfig`: schema_out.py).

export type ConsentMethod = "all" | "necessary" | "custom" | "dismiss" | "gpc" | "api";
export type ConsentMode = "opt-in" | "opt-out";

export interface ConsentRecord {
  id: string;
  revision: number;
  givenAt: number;
  expiresAt: number;
  method: ConsentMethod;
  mode: ConsentMode;
  gpc: boolean;
  categories: { [category in CategoryId]: boolean };
  services: { [category in CategoryId]?: { [service in ServiceId]?: boolean } };
}

export interface ConsentEventDetail extends ConsentRecord {
  /** Present on `change`: the categories whose value changed, with their new value. */
  changed?: { [category in CategoryId]?: boolean };
}

export type ConsentEvent = "ready" | "consent" | "first-consent" | "change";

export interface ConsentryApi {
  /** The Consentry version of this bundle (consentry.__version__), e.g. "0.1.0". */
  readonly version: string;
  /** Resolves with the API once the SDK has started. */
  readonly ready: Promise<ConsentryApi>;
  acceptAll(): void;
  rejectAll(): void;
  /** Record a custom choice; categories not named keep their state. */
  update(choices: { [category in CategoryId]?: boolean }): void;
  /** Always a boolean: false before start, for unknown ids and for non-string arguments. */
  allowed(category: CategoryId, service?: ServiceId): boolean;
  /** The current valid choice, or null when there is none. */
  getConsent(): ConsentRecord | null;
  showBanner(): void;
  showPreferences(): void;
  hide(): void;
  /** Throws an Error for an unknown event name; returns a function that removes the listener. */
  on(event: ConsentEvent, fn: (detail: ConsentEventDetail | null) => void): () => void;
  off(event: ConsentEvent, fn: (detail: ConsentEventDetail | null) => void): void;
  onCategory(id: CategoryId, handlers: { accept?: (api: ConsentryApi) => void;
                                     reject?: (api: ConsentryApi) => void }): void;
  /** Forget the choice (cookie removed) and show the banner. */
  reset(): void;
}

declare global {
  interface Window {
    Consentry: ConsentryApi;
    consentryQueue: Array<(api: ConsentryApi) => void> | { push(fn: (api: ConsentryApi) => void): number };
  }
  interface WindowEventMap {
    "consentry:ready": CustomEvent<ConsentEventDetail | null>;
    "consentry:consent": CustomEvent<ConsentEventDetail>;
    "consentry:first-consent": CustomEvent<ConsentEventDetail>;
    "consentry:change": CustomEvent<ConsentEventDetail>;
  }
}
