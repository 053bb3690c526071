import { randomBytes } from 'node:crypto';
import type { SessionEvent } from '@reverie/contracts';
import { sessionEventSchema } from '@reverie/contracts';
import { isSealed, kidOf, openString, sealString } from './sealed-string';
import { ERASED, openSessionEvent, sealSessionEvent } from './session-content';
import { openLessonEvent, sealLessonEvent } from './lesson-content';

const key = randomBytes(32);
const base = { schemaVersion: 1, tenantId: 'acme', streamId: 's1', occurredAt: '2026-01-01T00:00:00.000Z', recordedAt: '2026-01-01T00:00:00.000Z', correlationId: 's1' };
const events: SessionEvent[] = [
  { ...base, id: 'e0', type: 'SessionStarted', actor: { kind: 'service', id: 'ingest' }, data: { seq: 0, agentId: 'coder', userId: 'ana', source: 'native', title: 'Fix marker-title', task: 'Fix marker-task', startedAt: base.occurredAt, metadata: { repo: 'marker-repo' } } },
  { ...base, id: 'e1', type: 'UserMessageRecorded', actor: { kind: 'user', id: 'ana' }, data: { seq: 1, text: 'please marker-user-text', userId: 'ana' } },
  { ...base, id: 'e2', type: 'AssistantMessageRecorded', actor: { kind: 'agent', id: 'coder' }, data: { seq: 2, text: 'marker-assistant '.repeat(100) } },
  { ...base, id: 'e3', type: 'ToolCallRecorded', actor: { kind: 'agent', id: 'coder' }, data: { seq: 3, toolCallId: 'c1', toolName: 'Bash', input: { command: 'echo marker-input' } } },
  { ...base, id: 'e4', type: 'ToolResultRecorded', actor: { kind: 'service', id: 'Bash' }, data: { seq: 4, toolCallId: 'c1', toolName: 'Bash', output: 'marker-output', isError: true } },
  { ...base, id: 'e5', type: 'FeedbackRecorded', actor: { kind: 'user', id: 'ana' }, data: { seq: 5, kind: 'comment', text: 'marker-feedback', userId: 'ana' } },
  { ...base, id: 'e6', type: 'SessionEnded', actor: { kind: 'service', id: 'ingest' }, data: { seq: 6, outcome: 'failure', reason: 'marker-reason' } },
];
const seal = (e: SessionEvent) => sealSessionEvent(e, (p) => sealString(p, key, 'k1'));

describe('sealed strings', () => {
  it('round-trips, long texts deflated, bound to their key id', () => {
    for (const plain of ['', 'ana', 'x'.repeat(5000), 'ünïcødé ✓']) {
      const sealed = sealString(plain, key, 'k1');
      expect(isSealed(sealed) && kidOf(sealed)).toBe('k1');
      expect(openString(sealed, key)).toBe(plain);
    }
    expect(sealString('y'.repeat(5000), key, 'k1').length).toBeLessThan(200);
    const moved = sealString('secret', key, 'k1').replace('.k1.', '.k2.');
    expect(() => openString(moved, key)).toThrow();
    expect(() => openString(sealString('secret', key, 'k1'), randomBytes(32))).toThrow();
  });
});

describe('session content', () => {
  it('seals every content field and user id, keeps ids, types, tool names and outcome, and still validates', () => {
    const sealed = events.map(seal);
    const text = JSON.stringify(sealed);
    expect(text).not.toMatch(/marker|"ana"/);
    expect(sealed.map((e) => e.type)).toEqual(events.map((e) => e.type));
    expect(sealed[3].data).toMatchObject({ toolCallId: 'c1', toolName: 'Bash' });
    expect(sealed[4].data).toMatchObject({ isError: true });
    expect(sealed[6].data).toMatchObject({ outcome: 'failure' });
    for (const e of sealed) expect(sessionEventSchema.safeParse(e).success).toBe(true);
  });

  it('opens to the original events, and a second seal changes nothing', () => {
    const sealed = events.map(seal);
    expect(sealed.map(seal)).toEqual(sealed);
    expect(sealed.map((e) => openSessionEvent(e, (s) => openString(s, key)))).toEqual(events);
  });

  it('reads ERASED where the key is gone, and passes events stored before encryption through', () => {
    const erased = events.map(seal).map((e) => openSessionEvent(e, () => undefined));
    expect(erased[1].data).toMatchObject({ text: ERASED, userId: ERASED });
    expect(erased[1].actor.id).toBe(ERASED);
    expect(erased[3].data).toMatchObject({ input: ERASED });
    expect(erased[0].data).not.toHaveProperty('metadata');
    expect(JSON.stringify(erased)).not.toMatch(/marker|"ana"/);
    expect(events.map((e) => openSessionEvent(e, () => undefined))).toEqual(events);
  });
});

describe('lesson content', () => {
  const lessonKey = randomBytes(32);
  const base = { schemaVersion: 1, tenantId: 'acme', streamId: 'l1', occurredAt: '2026-01-01T00:00:00.000Z', recordedAt: '2026-01-01T00:00:00.000Z', correlationId: 'd1', actor: { kind: 'service' as const, id: 'dreaming' } };
  const proposedEvent = {
    ...base, id: 'p1', type: 'LessonProposed' as const,
    data: {
      kind: 'preference' as const, scope: { tenantId: 'acme', taskCluster: 'marker-cluster' }, text: 'Use marker-tool instead of npm', rationale: 'marker-rationale', fingerprint: 'fp',
      support: { sessions: 3, distinctUsers: 3, occurrences: 3, firstSeen: base.occurredAt, lastSeen: base.occurredAt }, effectSize: null, confidence: 0.5,
      evidence: { refs: [{ tenantId: 'acme', sessionId: 's1', eventId: 'e1', excerpt: 'no, use marker-tool' }], counts: {} }, dreamId: 'd1',
    },
  };
  const approvedEvent = { ...base, id: 'a1', type: 'LessonApproved' as const, actor: { kind: 'reviewer' as const, id: 'ana' }, data: { reviewer: 'ana', version: 1, note: 'fine' } };

  it('seals text, rationale, task cluster and excerpts, keeps decisions, ids and counts, and opens back', () => {
    const sealed = [proposedEvent, approvedEvent].map((e) => sealLessonEvent(e, (p) => sealString(p, lessonKey, 'lk')));
    expect(JSON.stringify(sealed)).not.toMatch(/marker/);
    expect(sealed[1]).toEqual(approvedEvent);
    expect(sealed[0].data).toMatchObject({ fingerprint: 'fp', kind: 'preference', support: { sessions: 3 } });
    expect(sealed.map((e) => openLessonEvent(e, (s) => openString(s, lessonKey)))).toEqual([proposedEvent, approvedEvent]);
    expect(JSON.stringify(openLessonEvent(sealed[0], () => undefined))).not.toMatch(/marker/);
  });
});
