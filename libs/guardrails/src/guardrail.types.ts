/** What a tenant's admins configure: allow-lists, extra denied terms and extra named rules. */
export interface GuardrailPolicy {
  allow: {
    /** Hosts a lesson may name: `github.com` also allows `api.github.com`; an IP address matches exactly. */
    hosts: string[];
    /** E-mail addresses a lesson may name: an exact address, or `@acme.com` for a domain and its subdomains. */
    emails: string[];
    /** Paths outside the workspace a lesson may name: prefixes on `/` boundaries (`/etc/hosts`, `~/.config/acme/`). */
    paths: string[];
  };
  /** Terms and phrases no lesson may contain (matched on whole words, case-insensitively, after normalisation). */
  deny: string[];
  /** Extra rules: a violation is reported as `custom:<name>`. */
  rules: CustomGuardrailRule[];
  /**
   * Absolute paths that are inside the workspace (`/workspace`, `/home/runner/work/acme`). Relative
   * paths (`src/x.ts`, `./build`, `…/dist/index.js`) always are. Absent or empty: only relative paths.
   */
  workspaceRoots?: string[];
}

export interface CustomGuardrailRule {
  /** Lower-case letters, digits, `-` and `_`. */
  name: string;
  /** Regular expression source, e.g. `ACME-\d{8}`. */
  pattern: string;
  /** Flags among `i`, `m`, `s`, `u` (`g` is always added). */
  flags?: string;
}

/** Kinds of evidence a lesson's wording can rest on. */
export const EVIDENCE_SOURCES = ['user-message', 'user-feedback', 'agent-message', 'tool-output', 'web-content', 'file-content'] as const;
export type EvidenceSource = (typeof EVIDENCE_SOURCES)[number];

export interface LessonUnderCheck {
  text: string;
  rationale?: string;
  /** Where the lesson's wording comes from: kinds of the evidence behind it. */
  evidenceSources?: EvidenceSource[];
}

export interface ActiveLesson {
  id: string;
  text: string;
}

export type BuiltInGuardrailRule = 'exfiltration' | 'secret' | 'unsafe-command' | 'untrusted-instruction' | 'contradiction' | 'denied-term';
export type GuardrailRule = BuiltInGuardrailRule | `custom:${string}`;

/** How a match hidden by the text was uncovered; absent when it was found as written. */
export type Deobfuscation = 'unicode' | 'encoding' | 'split-words' | 'base64' | 'hex';

export interface GuardrailViolation {
  rule: GuardrailRule;
  /** What the rule saw, in words, e.g. `URL to a host not on the allow-list: evil.io`. */
  detail: string;
  /** The offending text as it appears in the lesson (for an encoded blob: the blob). */
  match: string;
  via?: Deobfuscation;
  /** For `contradiction`: the active lesson this one contradicts. */
  activeLessonId?: string;
}

export interface GuardrailVerdict {
  /** Every rule blocks: true as soon as there is one violation. */
  blocked: boolean;
  violations: GuardrailViolation[];
}

export interface GuardrailContext {
  policy: GuardrailPolicy;
  /** The tenant's active lessons, for the contradiction rule. */
  active?: ActiveLesson[];
}
