import { deterministicId, ROUTES, type DreamEvent, type DreamView, type LessonEvent, type SessionEvent } from '@reverie/contracts';
import { templateWriter } from '@reverie/dreaming-domain';
import { eventually } from '@reverie/testing';
import {
  decoySessions, lessonRejected, publishWithoutBuildSession, startDreamingTestEnv, testKey, testKeyActor, type DreamingTestEnv,
} from '../testing/dreaming-test-env';

type Started = Extract<DreamEvent, { type: 'DreamStarted' }>;
type Completed = Extract<DreamEvent, { type: 'DreamCompleted' }>;

describe('dreaming service (real NATS + Postgres, app in-process)', () => {
  let env: DreamingTestEnv;
  /** A writer gate: while set, proposals wait on it (to hold a dream in the running state). */
  let gate: Promise<void> | undefined;

  beforeAll(async () => {
    env = await startDreamingTestEnv({}, {
      writer: { name: templateWriter.name, write: async (c, o) => { await gate; return templateWriter.write(c, o); } },
    });
  });
  afterAll(async () => env?.close());

  const dream = async (tenantId: string) => {
    const requested = await env.requestDream(tenantId);
    const view = await env.waitForDream(tenantId, requested.id);
    const events = await env.dreamEvents(tenantId, requested.id);
    return {
      view,
      started: events.find((e): e is Started => e.type === 'DreamStarted') as Started,
      completed: events.find((e): e is Completed => e.type === 'DreamCompleted'),
      events,
    };
  };
  const ofType = <T extends LessonEvent['type']>(events: { event: LessonEvent }[], type: T) =>
    events.map((e) => e.event).filter((e): e is Extract<LessonEvent, { type: T }> => e.type === type);
  const errorEventIds = (sessions: SessionEvent[][]) =>
    new Set(sessions.flat().filter((e) => e.type === 'ToolResultRecorded' && e.data.isError).map((e) => e.id));

  describe('a tenant with a recurring tool error', () => {
    const tenant = 'acme';
    const planted = ['s1', 's2', 's3'].map((id, i) => publishWithoutBuildSession(tenant, id, ['ana', 'bo', 'cy'][i], i + 1));
    const decoys = decoySessions(tenant, 'x');
    let first: Awaited<ReturnType<typeof dream>>;
    let lessonId: string;

    beforeAll(async () => {
      for (const s of [...planted, ...decoys]) await env.ingest(s);
      first = await dream(tenant);
    });

    it('records the dream on DREAMS: requested (by the key that asked), started with its window, completed', () => {
      expect(first.view.status).toBe('completed');
      expect(first.events.map((e) => e.type)).toEqual(['DreamRequested', 'DreamStarted', 'DreamCompleted']);
      expect(first.events[0]).toMatchObject({ tenantId: tenant, data: { trigger: 'manual', requestedBy: testKeyActor(tenant, 'reviewer') } });
      expect(first.started.data.window.fromSeq).toBe(1);
      expect(first.started.data.window.toSeq).toBeGreaterThanOrEqual(planted.flat().length);
      expect(first.started.data.synthesizer).toBe('template');
      expect(first.started.data.analyzerVersion).toMatch(/dreaming-domain/);
      expect(first.completed?.data.counts.windowSessions).toBe(5);
      expect(first.completed?.data.tokens).toEqual({ input: 0, output: 0 });
      // The naive LLM baseline: every session of the window with a tool error or a failure, sent whole (chars / 4).
      const failing = [...planted, ...decoys].filter((s) => s.some((e) => (e.type === 'ToolResultRecorded' && e.data.isError) || (e.type === 'SessionEnded' && e.data.outcome === 'failure')));
      const chars = failing.flat().reduce((n, e) => n + JSON.stringify(e).length, 0);
      expect(first.completed?.data.counts.naiveTokens).toBe(Math.ceil(chars / 4));
    });

    it('proposes one lesson for the error, citing every session and the failing events, none citing a decoy', async () => {
      const lessons = await env.lessonEvents(tenant);
      const proposed = ofType(lessons, 'LessonProposed');
      const publish = proposed.filter((p) => p.data.kind === 'mistake' && /npm publish/.test(p.data.text));
      expect(publish).toHaveLength(1);
      const lesson = publish[0];
      lessonId = lesson.streamId;
      expect(lessonId).toBe(deterministicId(tenant, lesson.data.fingerprint));
      expect(lesson.data.dreamId).toBe(first.view.id);
      expect(new Set(lesson.data.evidence.refs.map((r) => r.sessionId))).toEqual(new Set(['s1', 's2', 's3']));
      const errors = errorEventIds(planted);
      const cited = lesson.data.evidence.refs.map((r) => r.eventId);
      for (const id of errors) expect(cited).toContain(id);
      const plantedIds = new Set(planted.flat().map((e) => e.id));
      for (const id of cited) expect(plantedIds.has(id)).toBe(true);
      expect(lesson.data.support.sessions).toBe(3);
      for (const p of proposed) expect(p.data.evidence.refs.every((r) => !r.sessionId.startsWith('x-decoy'))).toBe(true);
      expect(first.view.proposedLessonIds).toEqual(proposed.map((p) => p.streamId));
    });

    it('a second dream with no new sessions reads an empty window after the first one and proposes nothing', async () => {
      const before = (await env.lessonEvents(tenant)).length;
      const second = await dream(tenant);
      expect(second.view.status).toBe('completed');
      expect(second.started.data.window.fromSeq).toBe(first.started.data.window.toSeq + 1);
      expect(second.completed?.data.counts.windowSessions).toBe(0);
      expect(second.view.proposedLessonIds).toEqual([]);
      expect(second.view.reinforcedLessonIds).toEqual([]);
      expect((await env.lessonEvents(tenant)).length).toBe(before);
    });

    it('new sessions with the same error add evidence to the existing lesson instead of a twin', async () => {
      const more = [publishWithoutBuildSession(tenant, 's4', 'dee', 4), publishWithoutBuildSession(tenant, 's5', 'eli', 5)];
      for (const s of more) await env.ingest(s);
      const third = await dream(tenant);
      expect(third.view.status).toBe('completed');
      expect(third.completed?.data.counts.windowSessions).toBe(2);
      expect(third.view.reinforcedLessonIds).toContain(lessonId);
      expect(third.view.proposedLessonIds).not.toContain(lessonId);
      const lessons = await env.lessonEvents(tenant);
      const proposed = ofType(lessons, 'LessonProposed');
      const fingerprint = proposed.find((p) => p.streamId === lessonId)!.data.fingerprint;
      expect(proposed.filter((p) => p.data.fingerprint === fingerprint)).toHaveLength(1);
      // With 5 sessions of the same task a workflow lesson may appear: a different pattern, not a twin.
      for (const p of proposed.filter((x) => third.view.proposedLessonIds.includes(x.streamId))) expect(p.data.kind).not.toBe('mistake');
      const added = ofType(lessons, 'LessonEvidenceAdded').filter((e) => e.streamId === lessonId);
      expect(added).toHaveLength(1);
      expect(added[0].data.dreamId).toBe(third.view.id);
      expect(added[0].data.support.sessions).toBe(2); // new support, as lesson-domain folds it
      expect(new Set(added[0].data.evidence.refs.map((r) => r.sessionId))).toEqual(new Set(['s4', 's5']));
      for (const r of added[0].data.evidence.refs) expect(errorEventIds(more).has(r.eventId)).toBe(true);
    });

    it('a session continued after a dream is read whole, so its signals cover all its events', async () => {
      // s6's first half lands before a dream, its second half (the error) after it.
      const s6 = publishWithoutBuildSession(tenant, 's6', 'fay', 6);
      await env.ingest(s6.slice(0, 2));
      const before = await dream(tenant);
      expect(before.completed?.data.counts.windowSessions).toBe(1);
      await env.ingest(s6.slice(2));
      const after = await dream(tenant);
      expect(after.completed?.data.counts.sessionsReadWhole).toBe(1);
      expect(after.view.reinforcedLessonIds).toContain(lessonId);
      const added = ofType(await env.lessonEvents(tenant), 'LessonEvidenceAdded').filter((e) => e.data.dreamId === after.view.id && e.streamId === lessonId);
      expect(added.map((e) => e.data.evidence.refs.map((r) => r.sessionId))).toEqual([['s6']]);
      expect(added[0].data.evidence.counts.errors).toBe(1);
    });

    it('re-dreaming the same window after losing the read models proposes no twin (deterministic lesson ids)', async () => {
      const lessonsBefore = await env.lessonEvents(tenant);
      const ds = env.pg.url;
      const { Client } = await import('pg');
      const db = new Client({ connectionString: ds });
      await db.connect();
      try {
        await db.query(`DELETE FROM dreaming_lesson_index WHERE tenant_id = $1`, [tenant]);
        await db.query(`DELETE FROM dreaming_session_signals WHERE tenant_id = $1`, [tenant]);
        await db.query(`UPDATE dreaming_tenant_state SET last_dream_to_seq = 0 WHERE tenant_id = $1`, [tenant]);
      } finally {
        await db.end();
      }
      const again = await dream(tenant);
      expect(again.view.status).toBe('completed');
      expect(again.started.data.window.fromSeq).toBe(1);
      expect(again.view.proposedLessonIds).toEqual([]);
      const lessonsAfter = await env.lessonEvents(tenant);
      expect(ofType(lessonsAfter, 'LessonProposed')).toHaveLength(ofType(lessonsBefore, 'LessonProposed').length);
    });
  });

  describe('a rejected lesson', () => {
    const tenant = 'rejecting';
    let lessonId: string;

    it('stays rejected while its support grows a little, and is reopened once it passes the factor', async () => {
      for (const [i, u] of ['ana', 'bo', 'cy'].entries()) await env.ingest(publishWithoutBuildSession(tenant, `r${i + 1}`, u, i + 1));
      const first = await dream(tenant);
      const proposed = ofType(await env.lessonEvents(tenant), 'LessonProposed').find((p) => /npm publish/.test(p.data.text));
      expect(proposed).toBeDefined();
      lessonId = proposed!.streamId;
      expect(first.view.proposedLessonIds).toContain(lessonId);
      const { lastSeq } = await env.store.readAggregate('lessons', tenant, lessonId);
      await env.store.append('lessons', lessonRejected(tenant, lessonId, 3), { expectedLastSubjectSeq: lastSeq });

      // 4 sessions < 2 x 3: evidence is recorded, the lesson stays rejected.
      await env.ingest(publishWithoutBuildSession(tenant, 'r4', 'dee', 4));
      const small = await dream(tenant);
      expect(small.view.reinforcedLessonIds).toEqual([lessonId]);
      let events = (await env.lessonEvents(tenant)).filter((e) => e.event.streamId === lessonId).map((e) => e.event.type);
      expect(events).toEqual(['LessonProposed', 'LessonPolicyChecked', 'LessonRejected', 'LessonEvidenceAdded']);

      // 6 sessions = 2 x 3: reopened, with the new evidence.
      for (const n of [5, 6]) await env.ingest(publishWithoutBuildSession(tenant, `r${n}`, `u${n}`, n));
      const grown = await dream(tenant);
      expect(grown.view.proposedLessonIds).toContain(lessonId);
      expect(grown.completed?.data.counts.reopened).toBe(1);
      const lessons = await env.lessonEvents(tenant);
      events = lessons.filter((e) => e.event.streamId === lessonId).map((e) => e.event.type);
      expect(events).toEqual(['LessonProposed', 'LessonPolicyChecked', 'LessonRejected', 'LessonEvidenceAdded', 'LessonEvidenceAdded', 'LessonReopened', 'LessonPolicyChecked']);
      expect(ofType(lessons, 'LessonProposed').filter((p) => p.data.fingerprint === proposed!.data.fingerprint).map((p) => p.streamId)).toEqual([lessonId]);
    });
  });

  describe('triggers and API', () => {
    it('starts a dream on the NATS request/reply command', async () => {
      const tenant = 'natsy';
      for (const [i, u] of ['ana', 'bo', 'cy'].entries()) await env.ingest(publishWithoutBuildSession(tenant, `n${i + 1}`, u, i + 1));
      const msg = await env.nats.nc.request(env.nats.topology.command('dream.request', tenant), JSON.stringify({ requestedBy: 'test-suite' }), { timeout: 10_000 });
      const reply = msg.json<{ ok: boolean; accepted: boolean; dream: DreamView }>();
      expect(reply).toMatchObject({ ok: true, accepted: true, dream: { tenantId: tenant, status: 'requested', trigger: 'manual' } });
      const done = await env.waitForDream(tenant, reply.dream.id);
      expect(done.status).toBe('completed');
      expect(done.proposedLessonIds.length).toBeGreaterThanOrEqual(1);
      const requested = (await env.dreamEvents(tenant, reply.dream.id))[0];
      expect(requested).toMatchObject({ type: 'DreamRequested', data: { trigger: 'manual', requestedBy: 'test-suite' } });
    });

    it('answers an invalid NATS command with the reason', async () => {
      const msg = await env.nats.nc.request(env.nats.topology.command('dream.request', 'natsy'), JSON.stringify({ trigger: 'whenever' }), { timeout: 10_000 });
      const reply = msg.json<{ ok: boolean; error: string }>();
      expect(reply.ok).toBe(false);
      expect(reply.error).toMatch(/trigger/);
    });

    it('runs one dream at a time per tenant: a request while one runs gets the running dream', async () => {
      const tenant = 'busy';
      for (const [i, u] of ['ana', 'bo', 'cy'].entries()) await env.ingest(publishWithoutBuildSession(tenant, `b${i + 1}`, u, i + 1));
      let open!: () => void;
      gate = new Promise((r) => (open = r));
      try {
        const first = await env.requestDream(tenant);
        await eventually(async () => (await env.dreamEvents(tenant, first.id)).some((e) => e.type === 'DreamStarted'), { what: 'the first dream to start' });
        const second = await env.requestDream(tenant);
        expect(second.id).toBe(first.id);
        expect(second.status).toBe('running');
        open();
        expect((await env.waitForDream(tenant, first.id)).status).toBe('completed');
      } finally {
        open?.();
        gate = undefined;
      }
    });

    it('GET /v1/dreams/:id answers 404 for an unknown dream; POST refuses a bad body with 400', async () => {
      const missing = await env.http('GET', ROUTES.dream('no-such-dream'), testKey('acme', 'reviewer'));
      expect(missing.status).toBe(404);
      expect(missing.headers.get('content-type')).toMatch(/problem\+json/);
      const badBody = await env.http<{ detail: string }>('POST', ROUTES.dreams, testKey('acme', 'reviewer'), { trigger: 'now' });
      expect(badBody.status).toBe(400);
      expect(badBody.body.detail).toMatch(/body\.trigger/);
      // schedule and session-count dreams are the service's own: a caller cannot claim one.
      const claimed = await env.http<{ detail: string }>('POST', ROUTES.dreams, testKey('acme', 'reviewer'), { trigger: 'schedule' });
      expect(claimed.status).toBe(400);
      expect(claimed.body.detail).toMatch(/body\.trigger: expected "manual"/);
    });

    it('reports health', async () => {
      const res = await fetch(`${env.app.url}/health`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ service: 'dreaming', status: 'ok', checks: { nats: { status: 'ok' }, postgres: { status: 'ok' } } });
    });
  });

  describe('access: the tenant and the requester are the credential\'s', () => {
    const dreamsOf = async (tenantId: string) =>
      (await env.store.readSubject<DreamEvent>('dreams', env.nats.topology.tenantWildcard('dreams', tenantId))).map((e) => e.event);

    it('answers 401 problem+json with www-authenticate without a credential or with an unknown one', async () => {
      for (const [method, path] of [['POST', ROUTES.dreams], ['GET', ROUTES.dream('any')]] as const) {
        for (const credential of [null, 'globex-reviewer-key-9999']) {
          const res = await env.http<{ status: number }>(method, path, credential, method === 'POST' ? {} : undefined);
          expect({ method, credential, status: res.status, auth: res.headers.get('www-authenticate') }).toEqual({ method, credential, status: 401, auth: 'Bearer' });
          expect(res.headers.get('content-type')).toMatch(/problem\+json/);
        }
      }
      expect(await dreamsOf('globex')).toEqual([]);
    });

    it('answers 403 to a key without a dreaming role (ingest, agent), and starts nothing', async () => {
      for (const role of ['ingest', 'agent'] as const) {
        const post = await env.http<{ detail: string }>('POST', ROUTES.dreams, testKey('globex', role), {});
        expect({ role, status: post.status }).toEqual({ role, status: 403 });
        expect(post.headers.get('content-type')).toMatch(/problem\+json/);
        expect(post.body.detail).toMatch(/this needs one of the roles reviewer, approver, admin/);
        expect((await env.http('GET', ROUTES.dream('any'), testKey('globex', role))).status).toBe(403);
      }
      expect(await dreamsOf('globex')).toEqual([]);
    });

    it('refuses a body that names the requester: that is the credential', async () => {
      const named = await env.http<{ detail: string }>('POST', ROUTES.dreams, testKey('globex', 'reviewer'), { requestedBy: 'someone-else' });
      expect(named.status).toBe(400);
      expect(named.body.detail).toContain('body.requestedBy: not accepted');
      expect(await dreamsOf('globex')).toEqual([]);
    });

    it('a key of another tenant finds nothing of a dream (404), and x-reverie-tenant changes nothing', async () => {
      const acmeDream = (await dreamsOf('acme')).find((e) => e.type === 'DreamCompleted')!;
      expect(acmeDream).toBeDefined();
      expect((await env.http('GET', ROUTES.dream(acmeDream.streamId), testKey('acme', 'approver'))).status).toBe(200);
      for (const headers of [{}, { 'x-reverie-tenant': 'acme' }] as Record<string, string>[]) {
        const foreign = await env.http('GET', ROUTES.dream(acmeDream.streamId), testKey('globex', 'reviewer'), undefined, headers);
        expect(foreign.status).toBe(404);
        expect(JSON.stringify(foreign.body)).not.toMatch(/acme|proposedLessonIds/);
      }
      // A POST naming acme in the header dreams the key's tenant (globex), as the key's admin.
      const started = await env.http<DreamView>('POST', ROUTES.dreams, testKey('globex', 'admin'), {}, { 'x-reverie-tenant': 'acme' });
      expect(started.status).toBe(202);
      expect(started.body.tenantId).toBe('globex');
      expect(started.headers.get('location')).toBe(ROUTES.dream(started.body.id));
      expect((await env.waitForDream('globex', started.body.id)).status).toBe('completed');
      const requested = await env.dreamEvents('globex', started.body.id);
      expect(requested[0]).toMatchObject({ type: 'DreamRequested', tenantId: 'globex', data: { trigger: 'manual', requestedBy: testKeyActor('globex', 'admin') } });
      expect((await dreamsOf('acme')).some((e) => e.streamId === started.body.id)).toBe(false);
    });
  });

  describe('without lesson-governance (last: it stops governance)', () => {
    it('fails the dream, naming lesson-governance, when nothing answers its proposals; LESSONS stays untouched', async () => {
      const tenant = 'ungoverned';
      for (const [i, u] of ['ana', 'bo', 'cy'].entries()) await env.ingest(publishWithoutBuildSession(tenant, `g${i + 1}`, u, i + 1));
      await env.governance.shutdown('test: lesson-governance stopped');
      const { view, events } = await dream(tenant);
      expect(view.status).toBe('failed');
      expect(view.error).toMatch(/^lesson-governance did not answer the lesson proposal for \S+: nothing listens on \S*reverie\.cmd\.lessons\.propose\.ungoverned: is it running\?$/);
      expect(events.map((e) => e.type)).toEqual(['DreamRequested', 'DreamStarted', 'DreamFailed']);
      expect(await env.lessonEvents(tenant)).toEqual([]);
    });
  });
});
