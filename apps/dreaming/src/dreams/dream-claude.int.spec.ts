import type { DreamEvent, LessonEvent } from '@reverie/contracts';
import { startFakeAnthropic, type FakeAnthropicServer } from '@reverie/synthesis';
import { publishWithoutBuildSession, startDreamingTestEnv, type DreamingTestEnv } from '../testing/dreaming-test-env';

describe('dreaming with Claude writing the lessons (real SDK against a local fake of the Messages API)', () => {
  let fake: FakeAnthropicServer;
  let env: DreamingTestEnv;

  beforeAll(async () => {
    fake = await startFakeAnthropic();
    env = await startDreamingTestEnv({ ANTHROPIC_API_KEY: 'sk-test-not-a-real-key', ANTHROPIC_BASE_URL: fake.url, REVERIE_LLM_MODEL: 'claude-test-1' });
  });
  afterAll(async () => {
    await env?.close();
    await fake?.close();
  });

  it('names Claude as the synthesizer, proposes the text Claude wrote, and reports its tokens', async () => {
    const tenant = 'claude';
    for (const n of [1, 2, 3]) await env.ingest(publishWithoutBuildSession(tenant, `k${n}`, `u${n}`, n));
    const requested = await env.requestDream(tenant);
    const view = await env.waitForDream(tenant, requested.id);
    expect(view.status).toBe('completed');

    const events = await env.dreamEvents(tenant, requested.id);
    const started = events.find((e): e is Extract<DreamEvent, { type: 'DreamStarted' }> => e.type === 'DreamStarted');
    expect(started?.data.synthesizer).toMatch(/claude/);
    expect(fake.processed.length).toBeGreaterThanOrEqual(1);
    const usage = fake.processed.reduce((n, p) => n + (p.usage?.input_tokens ?? 0) + (p.usage?.cache_creation_input_tokens ?? 0) + (p.usage?.cache_read_input_tokens ?? 0), 0);
    expect(view.tokens!.input).toBeGreaterThan(0);
    expect(view.tokens!.input).toBe(usage);
    expect(view.tokens!.output).toBeGreaterThan(0);

    const proposed = (await env.lessonEvents(tenant))
      .map((e) => e.event).filter((e): e is Extract<LessonEvent, { type: 'LessonProposed' }> => e.type === 'LessonProposed');
    expect(proposed.length).toBeGreaterThanOrEqual(1);
    expect(proposed.map((p) => p.streamId).sort()).toEqual([...view.proposedLessonIds].sort());
    // The fake answers "Claude: <template text>": the proposal carries what the server wrote.
    for (const p of proposed) expect(p.data.text).toMatch(/^Claude: /);
    expect(proposed.some((p) => /npm publish/.test(p.data.text))).toBe(true);

    // The dream record says which sessions' (redacted) data left the system, and an erasure asks.
    const completed = events.find((e): e is Extract<DreamEvent, { type: 'DreamCompleted' }> => e.type === 'DreamCompleted');
    expect(completed?.data.sentToLlm).toEqual({ writer: expect.stringMatching(/claude/), sessions: expect.arrayContaining(['k1', 'k2', 'k3']) });
    const reply = await env.nats.nc.request(env.nats.topology.command('dreaming.erase', tenant), JSON.stringify({ erasureId: 'e-1', sessions: ['k2', 'never-sent'] }), { timeout: 10_000 });
    expect(JSON.parse(new TextDecoder().decode(reply.data))).toEqual({ ok: true, signalRows: 1, sessionsSentToLlm: 1 });
  });
});
