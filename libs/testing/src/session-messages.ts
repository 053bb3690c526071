import { newId, type SessionEvent } from '@reverie/contracts';

/** The i-th of a run of user messages spread over `sessions` sessions of tenant acme (`s-0` …), for event-store tests. */
export const userMessage = (i: number, sessions: number): SessionEvent => ({
  id: newId(), type: 'UserMessageRecorded', schemaVersion: 1, tenantId: 'acme', streamId: `s-${i % sessions}`,
  occurredAt: new Date().toISOString(), recordedAt: new Date().toISOString(), actor: { kind: 'user', id: 'u1' }, correlationId: 'c', data: { seq: i, text: `m${i}` },
});
