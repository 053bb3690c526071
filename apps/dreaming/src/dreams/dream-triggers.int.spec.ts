import { Client } from 'pg';
import type { DreamEvent } from '@reverie/contracts';
import { eventually } from '@reverie/testing';
import { publishWithoutBuildSession, startDreamingTestEnv, type DreamingTestEnv } from '../testing/dreaming-test-env';

async function dreamsOf(env: DreamingTestEnv, tenantId: string): Promise<DreamEvent[]> {
  return (await env.store.readSubject<DreamEvent>('dreams', env.nats.topology.tenantWildcard('dreams', tenantId))).map((e) => e.event);
}

async function sessionsSinceDream(env: DreamingTestEnv, tenantId: string): Promise<number | undefined> {
  const db = new Client({ connectionString: env.pg.url });
  await db.connect();
  try {
    const { rows } = await db.query(`SELECT sessions_since_dream FROM dreaming_tenant_state WHERE tenant_id = $1`, [tenantId]);
    return rows[0]?.sessions_since_dream;
  } finally {
    await db.end();
  }
}

describe('automatic dream triggers', () => {
  describe('every N new sessions (REVERIE_DREAM_EVERY_SESSIONS=3)', () => {
    let env: DreamingTestEnv;
    beforeAll(async () => {
      env = await startDreamingTestEnv({ REVERIE_DREAM_EVERY_SESSIONS: '3' });
    });
    afterAll(async () => env?.close());

    it('counts new sessions and dreams when the third one arrives, then counts from zero again', async () => {
      const tenant = 'counted';
      for (const n of [1, 2]) {
        await env.ingest(publishWithoutBuildSession(tenant, `c${n}`, `u${n}`, n));
        await eventually(async () => (await sessionsSinceDream(env, tenant)) === n || undefined, { what: `${n} sessions counted` });
      }
      await env.ingest(publishWithoutBuildSession(tenant, 'c3', 'u3', 3));
      const completed = await eventually(async () => {
        const done = (await dreamsOf(env, tenant)).find((e) => e.type === 'DreamCompleted');
        return done?.type === 'DreamCompleted' ? done : undefined;
      }, { what: 'a session-count dream to complete' });
      const events = await dreamsOf(env, tenant);
      const requested = events.filter((e) => e.type === 'DreamRequested');
      expect(requested).toHaveLength(1);
      expect(requested[0]).toMatchObject({ data: { trigger: 'session-count', requestedBy: 'dreaming' } });
      expect(completed.data.counts.windowSessions).toBe(3);
      expect(completed.data.proposedLessonIds.length).toBeGreaterThanOrEqual(1);
      expect(await sessionsSinceDream(env, tenant)).toBe(0);
    });
  });

  describe('on a schedule (REVERIE_DREAM_INTERVAL_SECONDS=1)', () => {
    let env: DreamingTestEnv;
    beforeAll(async () => {
      env = await startDreamingTestEnv({ REVERIE_DREAM_INTERVAL_SECONDS: '1' });
    });
    afterAll(async () => env?.close());

    it('dreams a tenant that has new session events, and not again while nothing new arrives', async () => {
      const tenant = 'scheduled';
      for (const n of [1, 2, 3]) await env.ingest(publishWithoutBuildSession(tenant, `p${n}`, `u${n}`, n));
      const completed = await eventually(async () => {
        const done = (await dreamsOf(env, tenant)).find((e) => e.type === 'DreamCompleted');
        return done?.type === 'DreamCompleted' ? done : undefined;
      }, { what: 'a scheduled dream to complete' });
      expect(completed.data.counts.windowSessions).toBe(3);
      const requested = (await dreamsOf(env, tenant)).filter((e) => e.type === 'DreamRequested');
      expect(requested[0]).toMatchObject({ data: { trigger: 'schedule' } });

      // A new session: the next tick dreams again, over just that session.
      await env.ingest(publishWithoutBuildSession(tenant, 'p4', 'u4', 4));
      const second = await eventually(async () => {
        const done = (await dreamsOf(env, tenant)).filter((e) => e.type === 'DreamCompleted');
        return done.length >= 2 && done[1].type === 'DreamCompleted' ? done[1] : undefined;
      }, { what: 'a second scheduled dream' });
      expect(second.data.counts.windowSessions).toBe(1);
      // Each scheduled dream had something new: none ran over an empty window.
      const windows = (await dreamsOf(env, tenant)).flatMap((e) => (e.type === 'DreamStarted' ? [e.data.window] : []));
      for (const w of windows) expect(w.toSeq).toBeGreaterThanOrEqual(w.fromSeq);
    });
  });
});
