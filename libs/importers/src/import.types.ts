import type { SessionEvent, SessionOutcome } from '@reverie/contracts';

export type ImportFormat = 'claude-code' | 'anthropic' | 'openai' | 'tau-bench' | 'tau2' | 'swe-agent' | 'otel' | 'specstory' | 'mini-swe-agent';

export const IMPORT_FORMATS: readonly ImportFormat[] = [
  'claude-code', 'anthropic', 'openai', 'tau-bench', 'tau2', 'swe-agent', 'otel', 'specstory', 'mini-swe-agent',
];

/** An outcome known from outside the log, e.g. from a benchmark's evaluation report. */
export interface KnownOutcome {
  outcome: SessionOutcome;
  reason?: string;
}

export interface ImportOptions {
  tenantId: string;
  /** Defaults per format: 'claude-code', 'anthropic', 'openai', 'tau-bench', 'tau2', 'swe-agent', 'otel', 'specstory', 'mini-swe-agent'. */
  agentId?: string;
  userId?: string;
  format?: ImportFormat | 'auto';
  /** ISO time used as recordedAt and as the base of fallback timestamps (else 1970-01-01T00:00:00Z). */
  now?: string;
  /**
   * Outcomes decided outside the log, by native session id; they win over what the log says.
   * Read by the mini-swe-agent importer (keyed by SWE-bench instance id, e.g. from
   * `readSweBenchReport` over the run's `reports/*.report.json`); the other formats ignore it.
   */
  outcomes?: Readonly<Record<string, KnownOutcome>>;
  /**
   * Claude Code: uuid → native session id of the lines of every transcript being imported
   * (`indexClaudeCodeLines`), so that a continued or resumed session names the one it continues.
   */
  lineOwners?: ReadonlyMap<string, string>;
}

export interface ImportStats {
  /** UserMessageRecorded + AssistantMessageRecorded events. */
  messages: number;
  toolCalls: number;
  /** ToolResultRecorded events with isError true. */
  toolErrors: number;
  outcome: SessionOutcome;
}

export interface ImportedSession {
  sessionId: string;
  events: SessionEvent[];
  stats: ImportStats;
}

export interface ImportRejection {
  file: string;
  line?: number;
  reason: string;
}

export interface ImportResult {
  format: ImportFormat;
  sessions: ImportedSession[];
  rejected: ImportRejection[];
}

/** What every format importer returns before the format name is attached. */
export interface FormatImport {
  sessions: ImportedSession[];
  rejected: ImportRejection[];
}
