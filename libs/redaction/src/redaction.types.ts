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

export interface Redactor {
  redactText(text: string): RedactionResult;
  /**
   * A new event whose `data` has every string value redacted (deeply; the identifier fields
   * `toolCallId`, `parentSessionId`, `agentId`, `userId` are kept), and whose `redactions`
   * holds the counts merged with any the event already had. The input is not modified.
   */
  redactEvent<E extends { data: unknown; redactions?: Record<string, number> }>(event: E): E & { redactions?: Record<string, number> };
}

export class RedactionRulesError extends Error {
  override readonly name = 'RedactionRulesError';
}
