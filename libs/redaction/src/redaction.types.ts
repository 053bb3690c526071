export type BuiltInRedactionKind =
  | 'anthropic_key' | 'openai_key' | 'aws_access_key' | 'aws_secret_key' | 'github_token'
  | 'slack_token' | 'jwt' | 'private_key' | 'secret_assignment' | 'high_entropy_secret'
  | 'email' | 'phone' | 'card_number' | 'ip_address' | 'home_directory_user';

export type RedactionKind = BuiltInRedactionKind | (string & {});

export interface CustomRedactionRule {
  kind: string;
  /** Regular expression source, e.g. `ACME-[0-9]{8}`. */
  pattern: string;
  /** RegExp flags other than `g` (always added), e.g. `i`. */
  flags?: string;
}

export interface RedactionRules {
  disabled?: RedactionKind[];
  custom?: CustomRedactionRule[];
  /** Exact values that are never redacted. */
  allowlist?: string[];
}

export interface RedactionResult {
  text: string;
  /** Number of redactions per kind, never the values. */
  counts: Record<string, number>;
}

/**
 * The secret key that pseudonyms of one tenant are made with: `pseudonym-<HMAC-SHA256(key, id)[:20 hex]>`.
 * Supplied by the caller (the domain library reads no environment or database); it must return the
 * same bytes for a tenant every time, or that tenant's users stop being counted once each.
 */
export type PseudonymKeyProvider = (tenantId: string) => Uint8Array;

export interface RedactorOptions {
  /** The tenant whose events this redactor redacts. */
  tenantId: string;
  /** Called once, with `tenantId`, when the redactor is created. */
  pseudonymKey: PseudonymKeyProvider;
}

export interface Redactor {
  redactText(text: string): RedactionResult;
  /**
   * A new event whose `data` has every string value redacted (deeply; the identifier fields
   * `toolCallId`, `parentSessionId`, `agentId`, `userId` are kept), and whose `redactions`
   * holds the counts merged with any the event already had. An e-mail address or phone number
   * used as `userId` or actor id becomes a keyed pseudonym (this needs `RedactorOptions`; without
   * them such an event is refused with a PseudonymKeyError). The input is not modified.
   */
  redactEvent<E extends { data: unknown; redactions?: Record<string, number> }>(event: E): E & { redactions?: Record<string, number> };
}

export class RedactionRulesError extends Error {
  override readonly name = 'RedactionRulesError';
}

/** A pseudonym was needed and the redactor has no usable key (or was given another tenant's event). */
export class PseudonymKeyError extends Error {
  override readonly name = 'PseudonymKeyError';
}
