import { HttpException } from '@nestjs/common';
import { lessonEventSchema, newId, type LessonClaim, type LessonEvent, type LessonProposalRequest } from '@reverie/contracts';
import type { SessionCipher } from '@reverie/content-crypto';
import { EventStore } from '@reverie/event-store';
import { DEFAULT_DRIFT_CAPS, textHashOf, toEnvelopes, type ApproveLesson } from '@reverie/lesson-domain';
import type { DriftGuard } from '../drift/drift-guard.service';
import type { LessonGuardrails } from '../policy/lesson-guardrails.service';
import type { TenantPolicyStore } from '../policy/tenant-policy.store';
import { toProblem } from '@reverie/service-kit';
import { natsTestEnv, type NatsTestEnv } from '@reverie/testing';
import type { Logger } from 'pino';
import type { GovernanceConfig } from '../config/governance.config';
import { LessonDecisionsService } from './lesson-decisions.service';
import { LessonProposalsService } from './lesson-proposals.service';

/** A real event store that runs a hook after each aggregate read: the window in which another writer can win. */
class HookedStore extends EventStore {
  afterRead?: () => Promise<void>;
  override async readAggregate<E extends Parameters<EventStore['append']>[1]>(...args: Parameters<EventStore['readAggregate']>) {
    const result = await super.readAggregate<E>(...args);
    await this.afterRead?.();
    return result;
  }
}

const TENANT = 'acme';
const claim: LessonClaim = {
  kind: 'mistake', scope: { tenantId: TENANT }, text: 'Do X.', fingerprint: 'fp-x',
  support: { sessions: 2, distinctUsers: 1, occurrences: 2, firstSeen: '2025-02-01T00:00:00.000Z', lastSeen: '2025-02-02T00:00:00.000Z' },
  effectSize: null, confidence: 0.5, evidence: { refs: [], counts: {} },
};
const approve = (reviewer: string): ApproveLesson => ({
  type: 'ApproveLesson', data: {}, metadata: { now: new Date().toISOString(), actor: { kind: 'reviewer', id: reviewer }, correlationId: newId() },
});
const meta = { now: '2025-03-01T10:00:00.000Z', actor: { kind: 'service' as const, id: 'dreaming' }, correlationId: 'c' };

describe('LessonDecisionsService against a real LESSONS stream', () => {
  let nats: NatsTestEnv;
  let store: HookedStore;
  const logs: string[] = [];
  const logger = { info: (_f: unknown, msg: string) => logs.push(msg), warn: (_f: unknown, msg: string) => logs.push(msg) } as unknown as Logger;
  // Sealing is content-crypto's (its own specs): here lessons are kept as they are.
  const clear = { sealLesson: async (_t: string, _l: string, e: LessonEvent[]) => e, openLessons: async (_t: string, e: LessonEvent[]) => e } as unknown as SessionCipher;
  const service = (retries: number) => new LessonDecisionsService(store, { GOVERNANCE_DECISION_RETRIES: retries } as GovernanceConfig, logger, clear);
  const proposeNew = async () => {
    const lessonId = newId();
    const [proposed, checked] = toEnvelopes(TENANT, lessonId, [
      { type: 'LessonProposed', data: { ...claim, dreamId: 'd1' } },
      { type: 'LessonPolicyChecked', data: { textVersion: 1, textHash: textHashOf(claim.text), verdict: 'pass', violations: [] } },
    ], meta, () => newId());
    await store.append('lessons', proposed);
    await store.append('lessons', checked);
    return lessonId;
  };
  const types = async (lessonId: string) => (await store.readAggregate('lessons', TENANT, lessonId)).events.map((e) => lessonEventSchema.parse(e.event).type);

  beforeAll(async () => {
    nats = await natsTestEnv();
    store = new HookedStore(nats.nc, nats.topology);
  });
  afterAll(async () => nats?.cleanup());
  beforeEach(() => {
    store.afterRead = undefined;
    logs.length = 0;
  });

  it('two approvals that both read before either appends: one wins, the loser re-reads and is refused as already approved', async () => {
    const lessonId = await proposeNew();
    let reads = 0;
    let release!: () => void;
    const bothRead = new Promise<void>((r) => (release = r));
    store.afterRead = async () => {
      if (++reads === 2) release();
      if (reads <= 2) await bothRead;
    };
    const results = await Promise.allSettled([service(3).execute(TENANT, lessonId, approve('alice')), service(3).execute(TENANT, lessonId, approve('bob'))]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(toProblem(lost[0].reason as HttpException)).toMatchObject({ status: 409, code: 'already-approved' });
    expect(logs).toContain('lost a concurrent append; deciding again');
    expect(await types(lessonId)).toEqual(['LessonProposed', 'LessonPolicyChecked', 'LessonApproved']);
  });

  it('gives up with 409 concurrent-modification when another writer wins every attempt', async () => {
    const lessonId = await proposeNew();
    let n = 0;
    store.afterRead = async () => {
      // Another writer (a dream adding evidence) appends between our read and our append.
      const { lastSeq } = await EventStore.prototype.readAggregate.call(store, 'lessons', TENANT, lessonId);
      const [evidence] = toEnvelopes(TENANT, lessonId, [{ type: 'LessonEvidenceAdded', data: { dreamId: `d-extra-${++n}`, support: claim.support, evidence: { refs: [], counts: {} }, confidence: 0.6 } }], meta, () => newId());
      await store.append('lessons', evidence, { expectedLastSubjectSeq: lastSeq });
    };
    const attempt = service(2).execute(TENANT, lessonId, approve('alice'));
    await expect(attempt).rejects.toBeInstanceOf(HttpException);
    expect(toProblem(await attempt.catch((e) => e))).toMatchObject({ status: 409, code: 'concurrent-modification' });
    expect(await types(lessonId)).toEqual(['LessonProposed', 'LessonPolicyChecked', 'LessonEvidenceAdded', 'LessonEvidenceAdded', 'LessonEvidenceAdded']);
  });

  it('two dreams proposing the same lesson at once (the same loop): one proposes it, the other re-reads and adds its evidence', async () => {
    const lessonId = newId();
    const proposal = (dreamId: string, sessions: number): LessonProposalRequest => ({
      dreamId, causationId: `started-${dreamId}`, now: '2025-03-01T10:00:00.000Z', action: 'propose', lessonId, rejectedRegrowthFactor: 2,
      candidate: {
        ...claim, support: { ...claim.support, sessions, occurrences: sessions },
        // Each dream cites events of its own: whichever appends second has new evidence to add.
        evidence: { refs: Array.from({ length: sessions }, (_, i) => ({ tenantId: TENANT, sessionId: `${dreamId}-s${i}`, eventId: `${dreamId}-e${i}` })), counts: { sessions } }, facts: {},
      },
    });
    let reads = 0;
    let release!: () => void;
    const bothRead = new Promise<void>((r) => (release = r));
    store.afterRead = async () => {
      if (++reads === 2) release();
      if (reads <= 2) await bothRead;
    };
    // The guardrails are pure rules, tested on their own: here every text passes.
    const passing = { forTenant: async () => () => ({ verdict: 'pass' as const, violations: [] }) } as unknown as LessonGuardrails;
    const proposals = new LessonProposalsService(service(3), passing, { get: async () => ({ drift: DEFAULT_DRIFT_CAPS }) } as unknown as TenantPolicyStore, { proposalWaits: async () => undefined } as unknown as DriftGuard);
    const replies = await Promise.all([proposals.apply(TENANT, proposal('dream-a', 3)), proposals.apply(TENANT, proposal('dream-b', 4))]);
    expect(replies.map((r) => r.ok && r.outcome).sort()).toEqual(['proposed', 'reinforced']);
    expect(logs).toContain('lost a concurrent append; deciding again');
    expect(await types(lessonId)).toEqual(['LessonProposed', 'LessonPolicyChecked', 'LessonEvidenceAdded']);
  });
});
