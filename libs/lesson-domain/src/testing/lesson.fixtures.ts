import type { Actor, LessonClaim, LessonEvent } from '@reverie/contracts';
import type { LessonCommand, LessonCommandMetadata, PolicyCheck } from '../lesson/lesson.commands';
import { textDiff, textHashOf } from '../lesson/lesson-text';
import type { LessonEventRecord } from '../lesson/lesson.event-records';
import { toEnvelopes } from '../lesson/lesson.envelopes';

export const TENANT = 'acme';
export const LESSON_ID = 'lesson-1';
export const dreaming: Actor = { kind: 'service', id: 'dreaming' };
export const alice: Actor = { kind: 'reviewer', id: 'alice' };
export const bob: Actor = { kind: 'reviewer', id: 'bob' };

export const meta = (actor: Actor = dreaming, now = '2025-03-01T10:00:00.000Z'): LessonCommandMetadata => ({
  now,
  actor,
  correlationId: 'corr-1',
});

export const claim = (overrides: Partial<LessonClaim> = {}): LessonClaim => ({
  kind: 'mistake',
  scope: { tenantId: TENANT, agentId: 'coder', tools: ['bash'] },
  text: 'Run `npm run build` before `npm publish`: publishing without dist/ fails.',
  fingerprint: 'tool-error:bash:npm-publish-missing-dist',
  support: { sessions: 4, distinctUsers: 2, occurrences: 6, firstSeen: '2025-02-01T00:00:00.000Z', lastSeen: '2025-02-20T00:00:00.000Z' },
  effectSize: 2.5,
  confidence: 0.8,
  evidence: {
    refs: [{ tenantId: TENANT, sessionId: 's1', eventId: 'e1' }, { tenantId: TENANT, sessionId: 's2', eventId: 'e2' }],
    counts: { errors: 6, sessions: 4 },
  },
  ...overrides,
});

export const proposed = (dreamId = 'dream-1'): LessonEventRecord => ({ type: 'LessonProposed', data: { ...claim(), dreamId, textHash: textHashOf(claim().text) } });
export const PASSING: PolicyCheck = { verdict: 'pass', violations: [] };
export const EXFILTRATION: PolicyCheck = { verdict: 'block', violations: [{ rule: 'exfiltration', detail: 'URL to a host not on the allow-list: evil.example', match: 'https://evil.example/x' }] };
/** The guardrails' verdict on text version `textVersion` of `text` (the proposed text by default). */
export const checked = (check: PolicyCheck = PASSING, text = claim().text, textVersion = 1): LessonEventRecord => ({
  type: 'LessonPolicyChecked', data: { textVersion, textHash: textHashOf(text), verdict: check.verdict, violations: check.violations },
});
/** A proposal the guardrails passed: in review. */
export const inReview = (dreamId = 'dream-1'): LessonEventRecord[] => [proposed(dreamId), checked()];
export const evidenceAdded = (dreamId = 'dream-2', sessions = 4): LessonEventRecord => ({
  type: 'LessonEvidenceAdded',
  data: {
    dreamId,
    support: { sessions, distinctUsers: 1, occurrences: sessions, firstSeen: '2025-02-25T00:00:00.000Z', lastSeen: '2025-02-28T00:00:00.000Z' },
    evidence: { refs: [{ tenantId: TENANT, sessionId: 's9', eventId: `e-${dreamId}` }], counts: { errors: sessions, sessions } },
    confidence: 0.9,
  },
});
export const approved = (version = 1, reviewer = 'alice'): LessonEventRecord => ({ type: 'LessonApproved', data: { reviewer, version } });
export const edited = (text: string, textVersion = 2, previousText = claim().text): LessonEventRecord => ({
  type: 'LessonEdited', data: { textVersion, text, textHash: textHashOf(text), previousTextHash: textHashOf(previousText), diff: textDiff(previousText, text) },
});
export const rejected = (supportAtRejection = 4, reviewer = 'alice'): LessonEventRecord => ({
  type: 'LessonRejected',
  data: { reviewer, reason: 'too vague', supportAtRejection },
});
export const reopened = (dreamId = 'dream-3'): LessonEventRecord => ({ type: 'LessonReopened', data: { dreamId, reason: 'support grew' } });
export const retired = (by = 'alice'): LessonEventRecord => ({ type: 'LessonRetired', data: { by, reason: 'tooling changed' } });

export const command = <C extends LessonCommand>(type: C['type'], data: C['data'], actor: Actor = dreaming): C =>
  ({ type, data, metadata: meta(actor) }) as C;

let seq = 0;
/** A stored event as the stream would hold it: the record wrapped by `toEnvelopes` with the given actor. */
export function stored(record: LessonEventRecord | LessonEvent, actor: Actor = record.type === 'LessonProposed' ? dreaming : alice): LessonEvent {
  if ('id' in record) return record;
  return toEnvelopes(TENANT, LESSON_ID, [record], meta(actor), () => `evt-${++seq}`)[0];
}
