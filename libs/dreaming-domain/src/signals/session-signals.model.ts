import type { FeedbackKind, SessionOutcome } from '@reverie/contracts';

/** Everything the miners need from one session, small enough to keep as a per-session read model. */
export interface SessionSignals {
  tenantId: string;
  sessionId: string;
  /**
   * The independent conversation this session belongs to: the parent session for a subagent
   * sidechain, else the session itself. Corroboration counts roots, never sidechains or resumptions.
   */
  rootId?: string;
  agentId: string;
  /** The session's user (SessionStarted), else the first user who wrote a message. */
  userId?: string;
  startedAt: string;
  endedAt: string;
  outcome: SessionOutcome;
  /** The task prompt: SessionStarted.task, else the first user message (truncated). */
  task?: string;
  /** Event id of the SessionStarted (or first) event, to cite the task. */
  taskEventId: string;
  /** Step keys of the tool calls in order (`Bash(npm publish)`, `update_reservation`, ...). */
  toolSequence: string[];
  /** Event id of each tool call, parallel to `toolSequence`. */
  toolEventIds: string[];
  /** The source's id of each tool call (`toolu_01…`), parallel to `toolSequence`: links a resumed session to its original. */
  toolCallIds?: string[];
  /** The file each call worked on (base name of `file_path`/`path`/`notebook_path`), '' when none; parallel to `toolSequence`. */
  toolTargets?: string[];
  errors: ErrorSignal[];
  retries: RetrySignal[];
  rejections: RejectionSignal[];
  corrections: CorrectionSignal[];
  feedback: FeedbackSignal[];
  unconfirmedStateChanges: StateChangeSignal[];
  consequences?: ConsequenceSignal[];
  eventCount: number;
  /**
   * Indexes (into `toolSequence`) of the calls the user made (a simulated user's own tools in
   * τ²-bench: `toggle_airplane_mode` on the phone): what the agent asked the user to do. Absent when none.
   */
  userCalls?: number[];
  /** Indexes (into `toolSequence`) of the calls whose result was an error. Absent in signals stored before analyzer 1.1. */
  failedCalls?: number[];
  /** Indexes of the calls the user objected to (rejected, interrupted, or corrected before the agent's next call). */
  objectedCalls?: number[];
  /**
   * The session ended cleanly: every failed call was later run again (or replaced) successfully,
   * no user correction, rejection or interruption came after the agent's last action, and the agent
   * acted at all. Evidence of success for workflows when no outcome was recorded.
   */
  cleanCompletion?: boolean;
  /** Who ingested the session's events (their `ingestedBy`, sorted): the sources of any lesson it supports. Absent when unrecorded. */
  ingestedBy?: string[];
}

export interface ErrorSignal {
  signature: string;
  tool: string;
  step: string;
  eventId: string;
  /** Raw informative line of the tool output: untrusted evidence. */
  excerpt: string;
  /** The original line a lesson quotes (exception line preferred, log prefixes dropped, paths shortened). */
  quote?: string;
  /** The lines of a multi-line output that say what failed and what to do (raw, untrusted). */
  salient?: string[];
  /** A remedy the error text itself states ("did you mean X?", "use --force to overwrite"). Untrusted. */
  remedy?: string;
  /** The agent's next call, when it was another step, and whether it succeeded: what it did instead. */
  next?: { step: string; ok: boolean };
  at: string;
}

/** A failed call that only failed because another one did (a sibling call errored, a cancellation): linked to its cause, never mined. */
export interface ConsequenceSignal {
  tool: string;
  eventId: string;
  /** The error result of the call whose failure caused it, when it is known. */
  causeEventId?: string;
}

/** The same tool called again after it errored. */
export interface RetrySignal {
  tool: string;
  step: string;
  signature: string;
  errorEventId: string;
  retryEventId: string;
  /** The retry's result was not an error. */
  recovered: boolean;
  /** What changed between the failing call and the retry: the candidate fix. */
  change: InputChange;
  /** The retry's input was exactly the failing call's (not merely the same shape: a corrected e-mail address is a change). */
  identical?: boolean;
  /** Distinct steps run between the failing call and the retry. */
  between: string[];
  /** The command line each shell step of `between` ran (absent in signals stored before analyzer 1.3). */
  betweenCommands?: Record<string, string>;
  /**
   * Set when the retry is a different command of the same shell tool that keeps the failing
   * command's arguments or wraps it (`pytest tests/` → `python -m pytest tests/`): `step` is the
   * replacing step, `from` and `to` the two commands as written (paths shortened).
   */
  replacement?: { step: string; from: string; to: string };
}

export interface InputChange {
  addedKeys: string[];
  removedKeys: string[];
  changedKeys: string[];
  addedFlags: string[];
  removedFlags: string[];
  /** Keys whose new value was read from the output of a step run in between (e.g. a real payment id). */
  keysFromBetween: string[];
}

export interface RejectionSignal {
  tool: string;
  step: string;
  kind: 'rejected_tool_call' | 'interrupted';
  eventId: string;
  userId?: string;
  at: string;
}

export type CorrectionPolarity = 'do' | 'avoid' | 'contrast';

/** A corrective statement from a USER message (never from tool output or the assistant). */
export interface CorrectionSignal {
  text: string;
  /** Content tokens, sorted: the clustering key. */
  normalized: string;
  polarity: CorrectionPolarity;
  /** For a contrast: what to do and what it replaces, as written ("use pnpm", "npm"). */
  prefer?: string;
  over?: string;
  eventId: string;
  /** Absent when the source did not say who wrote it: all anonymous statements count as ONE user. */
  userId?: string;
  at: string;
}

export interface FeedbackSignal {
  kind: FeedbackKind;
  eventId: string;
  toolCallId?: string;
  text?: string;
  userId?: string;
}

export interface StateChangeSignal {
  tool: string;
  step: string;
  eventId: string;
  at: string;
}
