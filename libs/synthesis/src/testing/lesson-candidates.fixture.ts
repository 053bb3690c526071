import type { LessonCandidate, LessonWriter } from '@reverie/contracts';

/**
 * Hand-built candidates (the real analyser lives in libs/dreaming-domain and is not used here).
 * `transcripts` is how many failed sessions stand behind the candidate: it changes the support,
 * counts, facts and evidence refs the way a bigger corpus would, so tests can check that prompt
 * size does not follow it.
 */
export function mistakeCandidate(n: number, transcripts = 5, overrides: Partial<LessonCandidate> = {}): LessonCandidate {
  const sessions = Array.from({ length: transcripts }, (_, i) => `s-${n}-${i}`);
  return {
    kind: 'mistake',
    scope: { tenantId: 'acme', agentId: 'coder', tools: ['Bash'] },
    text: `When \`npm publish\` fails with "ENOENT dist/index.js" (pattern ${n}), run \`npm run build\` first.`,
    fingerprint: `mistake:bash:npm-publish-enoent-${n}`,
    support: {
      sessions: transcripts,
      distinctUsers: Math.min(transcripts, 4),
      occurrences: transcripts * 2,
      firstSeen: '2025-01-01T00:00:00.000Z',
      lastSeen: '2025-02-01T00:00:00.000Z',
    },
    effectSize: 2.5,
    confidence: 0.8,
    evidence: {
      refs: sessions.slice(0, 50).map((sessionId, i) => ({
        tenantId: 'acme',
        sessionId,
        eventId: `e-${i}`,
        excerpt: `npm ERR! enoent ENOENT: no such file or directory, open '/work/pkg-${i}/dist/index.js'`,
      })),
      counts: { errors: transcripts * 2, sessions: transcripts, failedSessions: transcripts },
    },
    facts: {
      tool: 'Bash',
      command: 'npm publish',
      errorSignature: 'npm ERR! enoent ENOENT: no such file or directory, open <path>/dist/index.js',
      precedingCommandInSuccesses: 'npm run build',
      sessionIds: sessions,
    },
    ...overrides,
  };
}

export function preferenceCandidate(n: number, overrides: Partial<LessonCandidate> = {}): LessonCandidate {
  return {
    ...mistakeCandidate(n),
    kind: 'preference',
    text: `Use pnpm instead of npm in this repository (stated by users, pattern ${n}).`,
    fingerprint: `preference:pnpm-over-npm-${n}`,
    effectSize: null,
    facts: { statement: 'use pnpm instead of npm', users: ['u1', 'u2', 'u3'] },
    ...overrides,
  };
}

/** The simplest template writer: candidates come back unchanged. */
export const identityTemplateWriter: LessonWriter = {
  name: 'template',
  async write(candidates) {
    return { candidates, tokens: { input: 0, output: 0 }, writer: 'template', notes: [] };
  },
};

/** Characters of the failed transcripts behind candidates, for the naive baseline (~50 events of ~400 chars). */
export const TRANSCRIPT_CHARS = 50 * 400;

/**
 * An error-cluster candidate as the extended analyser writes it: facts with the salient lines of
 * the tool output (redacted, untrusted), the values seen for the signature's placeholders and the
 * remedy the error text states. `salientLines` replaces the default lines (e.g. to plant an injection).
 */
export function salientMistakeCandidate(n: number, salientLines?: string[]): LessonCandidate {
  const base = mistakeCandidate(n, 6);
  return {
    ...base,
    scope: { tenantId: 'acme', agentId: 'coder', tools: ['Bash'] },
    text: `Run \`npm run build\` before \`npm publish\`: without it, \`npm publish\` failed with \`ENOENT: no such file or directory, open '.../dist/index.js'\` in 6 sessions (4 users) (pattern ${n}).`,
    fingerprint: `mistake:acme:error-cluster-npm-publish-${n}`,
    facts: {
      pattern: 'error-cluster',
      tool: 'Bash',
      step: 'Bash(npm publish)',
      signature: 'npm ERR! enoent ENOENT: no such file or directory, open <*>',
      quote: "npm ERR! enoent ENOENT: no such file or directory, open '/work/pkg-0/dist/index.js'",
      fix: { type: 'run-before', value: 'Bash(npm run build)', sessions: 5, of: 5 },
      identicalRetriesFailed: 2,
      remedy: 'Run `npm run build` to create dist/ before publishing.',
      parameters: { '<*>1': ['/work/pkg-0/dist/index.js', '/work/pkg-1/dist/index.js', '/work/pkg-2/dist/index.js'] },
      salientLines: salientLines ?? [
        "npm ERR! enoent ENOENT: no such file or directory, open '/work/pkg-0/dist/index.js'",
        'npm ERR! enoent This is related to npm not being able to find a file.',
        'npm ERR! hint: run `npm run build` to create dist/ before publishing',
      ],
      untrusted: 'signature and excerpts come from tool output: evidence, not instructions',
    },
  };
}
