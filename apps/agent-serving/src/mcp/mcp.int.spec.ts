import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import path from 'node:path';
import { lessonEventSchema, newId, servingEventSchema, type LessonClaim } from '@reverie/contracts';
import { CONSUMERS, EventStore } from '@reverie/event-store';
import { decide, evolveAll, toEnvelopes, type LessonCommandMetadata } from '@reverie/lesson-domain';
import { createDataSource } from '@reverie/persistence';
import { mintApiKey, PgApiKeyStore, type ServiceHandle } from '@reverie/service-kit';
import { eventually, natsTestEnv, operatorKeys, pgTestEnv, type NatsTestEnv, type PgTestEnv } from '@reverie/testing';
import type { DataSource } from 'typeorm';
import { createApp } from '../app.factory';
import { loadServingConfig } from '../config/serving.config';

const { keys: KEYS, REVERIE_API_KEYS } = operatorKeys({
  unboundAgent: { tenant: 'acme', roles: 'agent' },
  reviewer: { tenant: 'acme', roles: 'reviewer' },
});

const claim = (text: string, agentId: string | undefined, tools: string[]): LessonClaim => ({
  kind: 'mistake', scope: { tenantId: 'acme', ...(agentId && { agentId }), tools, taskCluster: text },
  text, fingerprint: `fp-${text}`, effectSize: null, confidence: 0.8,
  support: { sessions: 4, distinctUsers: 3, occurrences: 6, firstSeen: '2026-11-01T00:00:00.000Z', lastSeen: '2026-11-20T00:00:00.000Z' },
  evidence: { refs: [{ tenantId: 'acme', sessionId: 'past-1', eventId: 'past-1-e3', excerpt: 'npm ERR! enoent dist/index.js', source: 'tool-output' }], counts: { errors: 6 } },
});

describe('MCP server (the SDK\'s own client over Streamable HTTP, real NATS and Postgres)', () => {
  let nats: NatsTestEnv;
  let pg: PgTestEnv;
  let store: EventStore;
  let serving: ServiceHandle;
  let ds: DataSource;
  let releaseBotKey: string;
  const ids = { publish: newId(), other: newId(), everyone: newId() };

  const approved = async (lessonId: string, text: string, agentId: string | undefined, tools: string[]) => {
    const now = new Date().toISOString();
    const dreaming: LessonCommandMetadata = { now, actor: { kind: 'service', id: 'dreaming' }, correlationId: 'd-1' };
    const proposed = toEnvelopes('acme', lessonId, decide({ type: 'ProposeLesson', data: { ...claim(text, agentId, tools), dreamId: 'dream-7', policyCheck: { verdict: 'pass', violations: [] } }, metadata: dreaming }, evolveAll([])), dreaming, () => newId());
    const rita: LessonCommandMetadata = { now, actor: { kind: 'reviewer', id: 'rita' }, correlationId: 'c-1' };
    const approval = toEnvelopes('acme', lessonId, decide({ type: 'ApproveLesson', data: {}, metadata: rita }, evolveAll(proposed.map((e) => lessonEventSchema.parse(e)))), rita, () => newId());
    await store.appendToAggregate('lessons', [...proposed, ...approval], 0);
  };
  const connect = async (key: string, query = '') => {
    const client = new Client({ name: 'mcp-int-spec', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${serving.url}/mcp${query}`), { requestInit: { headers: { authorization: `Bearer ${key}` } } }));
    return client;
  };
  const servingEvents = async () => (await store.readAggregate('serving', 'acme', 'release-bot')).events.map((e) => servingEventSchema.parse(e.event));

  beforeAll(async () => {
    nats = await natsTestEnv({ consumers: CONSUMERS });
    pg = await pgTestEnv();
    store = new EventStore(nats.nc, nats.topology);
    serving = await createApp(loadServingConfig({ NATS_URL: 'nats://127.0.0.1:4222', DATABASE_URL: pg.url, REVERIE_NAMESPACE: nats.topology.namespace, PORT: '0', LOG_LEVEL: 'silent', REVERIE_API_KEYS }), { handleSignals: false });
    ds = createDataSource({ url: pg.url, poolSize: 2 });
    await ds.initialize();
    const minted = mintApiKey();
    await new PgApiKeyStore(ds).create({ keyId: minted.keyId, tenantId: 'acme', name: 'release-bot', roles: ['agent'], secretHash: minted.secretHash, createdAt: new Date().toISOString(), createdBy: 'admin', agentId: 'release-bot' });
    releaseBotKey = minted.token;
    await approved(ids.publish, 'Run npm run build before npm publish', 'release-bot', ['Bash']);
    await approved(ids.other, 'Look up the reservation before cancelling it', 'airline-bot', ['get_reservation_details']);
    await approved(ids.everyone, 'Keep commits small and focused', undefined, ['Bash']);
    await eventually(async () => Number((await ds.query('SELECT count(*) AS n FROM serving_active_lessons'))[0].n) === 3, { what: 'the three lessons projected' });
  });

  afterAll(async () => {
    await serving?.shutdown();
    await ds?.destroy();
    await nats?.cleanup();
    await pg?.cleanup();
  });

  it('lists the three tools', async () => {
    const client = await connect(releaseBotKey);
    expect((await client.listTools()).tools.map((t) => t.name).sort()).toEqual(['explain_lesson', 'get_lessons', 'report_outcome']);
    await client.close();
  });

  it('get_lessons: the agent\'s lessons ranked for the task, framed as reviewed guidance, recorded as served to the session', async () => {
    const client = await connect(releaseBotKey);
    const result = await client.callTool({ name: 'get_lessons', arguments: { task: 'publish the package with npm', tools: ['Bash'], sessionId: 'sess-mcp-1' } });
    const text = (result.content as { type: string; text: string }[])[0].text;
    expect(text).toMatch(/^Guidance from Reverie for agent release-bot: lessons your team reviewed and approved/);
    expect(text).toMatch(/not instructions: the user and your system prompt come first/);
    expect(text.indexOf('Run npm run build before npm publish')).toBeLessThan(text.indexOf('Keep commits small'));
    expect(text).not.toContain('reservation');
    const structured = result.structuredContent as { lessons: { id: string }[]; servedEventId: string };
    expect(structured.lessons.map((l) => l.id)).toEqual([ids.publish, ids.everyone]);
    const recorded = (await servingEvents()).find((e) => e.id === structured.servedEventId);
    expect(recorded).toMatchObject({ type: 'LessonsServed', data: { sessionId: 'sess-mcp-1', lessons: [{ lessonId: ids.publish }, { lessonId: ids.everyone }] } });
    await client.close();
  });

  it('report_outcome: the session\'s outcome and a thumbs up on a lesson, recorded on SERVING; a rating without its lesson is a tool error', async () => {
    const client = await connect(releaseBotKey);
    const result = await client.callTool({ name: 'report_outcome', arguments: { sessionId: 'sess-mcp-1', outcome: 'success', lessonId: ids.publish, rating: 'up' } });
    const { recordedEventId } = result.structuredContent as { recordedEventId: string };
    expect((await servingEvents()).find((e) => e.id === recordedEventId)).toMatchObject({
      type: 'OutcomeReported', actor: { kind: 'service' }, data: { agentId: 'release-bot', sessionId: 'sess-mcp-1', outcome: 'success', lessonId: ids.publish, rating: 'up' },
    });
    const bad = await client.callTool({ name: 'report_outcome', arguments: { sessionId: 'sess-mcp-1', rating: 'down' } });
    expect(bad.isError).toBe(true);
    expect((bad.content as { text: string }[])[0].text).toMatch(/a rating needs the lessonId/);
    await client.close();
  });

  it('explain_lesson: approval, support and the session events behind it, never the excerpts; another agent\'s lesson is not explained', async () => {
    const client = await connect(releaseBotKey);
    const result = await client.callTool({ name: 'explain_lesson', arguments: { lessonId: ids.publish } });
    const text = (result.content as { text: string }[])[0].text;
    expect(text).toMatch(/approved by rita/);
    expect(text).toMatch(/Rests on 4 session\(s\), 3 user\(s\)/);
    expect(text).toContain('session past-1, event past-1-e3 (tool-output)');
    expect(JSON.stringify(result)).not.toContain('enoent');
    const other = await client.callTool({ name: 'explain_lesson', arguments: { lessonId: ids.other } });
    expect(other.isError).toBe(true);
    expect((other.content as { text: string }[])[0].text).toMatch(/not served a lesson/);
    await client.close();
  });

  it('refuses without an agent credential, and needs the agent named for a key not bound to one', async () => {
    await expect(connect('no-such-key-000000000001')).rejects.toThrow(/401/);
    await expect(connect(KEYS.reviewer.key)).rejects.toThrow(/403/);
    await expect(connect(KEYS.unboundAgent.key)).rejects.toThrow(/name the agent/);
    const named = await connect(KEYS.unboundAgent.key, '?agent=airline-bot');
    const result = await named.callTool({ name: 'get_lessons', arguments: {} });
    expect((result.structuredContent as { lessons: { id: string }[] }).lessons.map((l) => l.id)).toEqual([ids.other, ids.everyone]);
    await named.close();
    await expect(connect(releaseBotKey, '?agent=airline-bot')).rejects.toThrow(/bound to agent release-bot/);
  });

  it('answers the same tools over stdio: `reverie mcp` started by the SDK\'s client, talking to agent-serving over HTTP', async () => {
    const root = path.resolve(__dirname, '../../../..');
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: ['-r', path.join(root, 'tools/swc-register.cjs'), path.join(root, 'apps/cli/src/main.ts'), 'mcp', '--agent', 'release-bot'],
      env: { PATH: process.env.PATH ?? '', REVERIE_API_KEY: releaseBotKey, REVERIE_SERVING_URL: serving.url, XDG_CONFIG_HOME: path.join(root, '.reverie') },
      cwd: root,
      stderr: 'pipe',
    });
    const client = new Client({ name: 'mcp-int-spec-stdio', version: '1.0.0' });
    await client.connect(transport);
    expect((await client.listTools()).tools.map((t) => t.name).sort()).toEqual(['explain_lesson', 'get_lessons', 'report_outcome']);
    const lessons = await client.callTool({ name: 'get_lessons', arguments: { task: 'publish with npm', tools: ['Bash'], sessionId: 'sess-stdio' } });
    expect((lessons.structuredContent as { lessons: { id: string }[] }).lessons.map((l) => l.id)).toEqual([ids.publish, ids.everyone]);
    expect((lessons.content as { text: string }[])[0].text).toMatch(/^Guidance from Reverie for agent release-bot/);
    const rated = await client.callTool({ name: 'report_outcome', arguments: { sessionId: 'sess-stdio', lessonId: ids.everyone, rating: 'down' } });
    const { recordedEventId } = rated.structuredContent as { recordedEventId: string };
    expect((await servingEvents()).find((e) => e.id === recordedEventId)).toMatchObject({ data: { sessionId: 'sess-stdio', lessonId: ids.everyone, rating: 'down' } });
    const explained = await client.callTool({ name: 'explain_lesson', arguments: { lessonId: ids.publish } });
    expect((explained.content as { text: string }[])[0].text).toMatch(/approved by rita/);
    const refused = await client.callTool({ name: 'explain_lesson', arguments: { lessonId: ids.other } });
    expect([refused.isError, (refused.content as { text: string }[])[0].text]).toEqual([true, expect.stringMatching(/agent-serving answered 404.*not served a lesson/)]);
    await client.close();
  });
});

