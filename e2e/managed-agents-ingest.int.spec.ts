/**
 * `reverie ingest --from managed-agents`: finished Anthropic Managed Agents sessions read through
 * the real SDK (pointed at a local server speaking the sessions API's wire format) into
 * session-ingest on the real NATS and Postgres; a second run ingests nothing new.
 */
import http from 'node:http';
import type { SessionEvent } from '@reverie/contracts';
import { EventStore } from '@reverie/event-store';
import type { ServiceHandle } from '@reverie/service-kit';
import { natsTestEnv, operatorKeys, pgTestEnv, type NatsTestEnv, type PgTestEnv } from '@reverie/testing';
import { consumerSpecsOf } from '@reverie/event-store';
import { cliConfig } from '../apps/cli/src/cli-config';
import { ingestManagedAgentsCommand, type ManagedAgentsIngestSummary } from '../apps/cli/src/commands/ingest-managed-agents.command';
import { createApp as createIngest } from '../apps/session-ingest/src/app.factory';
import { loadIngestConfig } from '../apps/session-ingest/src/config/ingest.config';

jest.setTimeout(60_000);

const { keys: KEYS, REVERIE_API_KEYS } = operatorKeys({ ingest: { tenant: 'acme', roles: 'ingest' } });
const t = (s: number) => new Date(Date.UTC(2026, 10, 20, 9, 0, s)).toISOString();
const SESSIONS = [
  { id: 'sesn_01', type: 'session', status: 'idle', title: 'Publish the package', created_at: t(0), updated_at: t(50), agent: { id: 'agent_release', name: 'release-bot' } },
  { id: 'sesn_02', type: 'session', status: 'terminated', title: null, created_at: t(60), updated_at: t(90), agent: { id: 'agent_release', name: 'release-bot' } },
  { id: 'sesn_03', type: 'session', status: 'running', title: null, created_at: t(100), updated_at: t(100), agent: { id: 'agent_release', name: 'release-bot' } },
];
const EVENTS: Record<string, unknown[]> = {
  sesn_01: [
    { id: 'ev1', type: 'user.message', processed_at: t(1), content: [{ type: 'text', text: 'Publish the package to npm' }] },
    { id: 'ev2', type: 'agent.tool_use', processed_at: t(2), name: 'bash', input: { command: 'npm publish' } },
    { id: 'ev3', type: 'agent.tool_result', processed_at: t(3), tool_use_id: 'ev2', is_error: true, content: [{ type: 'text', text: "npm ERR! enoent open 'dist/index.js'" }] },
    { id: 'ev4', type: 'agent.thinking', processed_at: t(4) },
    { id: 'ev5', type: 'agent.tool_use', processed_at: t(5), name: 'bash', input: { command: 'npm run build' } },
    { id: 'ev6', type: 'agent.tool_result', processed_at: t(6), tool_use_id: 'ev5', content: [{ type: 'text', text: 'built' }] },
    { id: 'ev7', type: 'agent.message', processed_at: t(7), content: [{ type: 'text', text: 'Published.' }] },
    { id: 'ev8', type: 'session.status_idle', processed_at: t(8), stop_reason: { type: 'end_turn' } },
  ],
  sesn_02: [
    { id: 'ev1', type: 'user.message', processed_at: t(61), content: [{ type: 'text', text: 'Rotate the deploy key' }] },
    { id: 'ev2', type: 'agent.mcp_tool_use', processed_at: t(62), mcp_server_name: 'vault', name: 'rotate', input: { key: 'deploy' } },
    { id: 'ev3', type: 'agent.mcp_tool_result', processed_at: t(63), mcp_tool_use_id: 'ev2', is_error: true, content: [{ type: 'text', text: 'permission denied' }] },
    { id: 'ev4', type: 'session.error', processed_at: t(64), error: { type: 'unknown_error', message: 'the vault refused' } },
    { id: 'ev5', type: 'session.status_terminated', processed_at: t(65) },
  ],
};

describe('ingest --from managed-agents (the real SDK against a local server speaking the sessions API)', () => {
  let nats: NatsTestEnv;
  let pg: PgTestEnv;
  let ingest: ServiceHandle;
  let api: http.Server;
  const calls: string[] = [];

  beforeAll(async () => {
    nats = await natsTestEnv({ consumers: consumerSpecsOf('session-ingest') });
    pg = await pgTestEnv();
    ingest = await createIngest(loadIngestConfig({ NATS_URL: 'nats://127.0.0.1:4222', DATABASE_URL: pg.url, REVERIE_NAMESPACE: nats.topology.namespace, PORT: '0', LOG_LEVEL: 'silent', REVERIE_API_KEYS }), { handleSignals: false });
    api = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      calls.push(`${req.method} ${url.pathname}${url.search}`);
      const send = (json: unknown) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(JSON.stringify(json)); };
      if (url.pathname === '/v1/sessions') {
        const list = SESSIONS.filter((s) => !url.searchParams.get('agent_id') || s.agent.id === url.searchParams.get('agent_id'))
          .filter((s) => !url.searchParams.get('created_at[gte]') || s.created_at >= (url.searchParams.get('created_at[gte]') as string));
        const start = Number(url.searchParams.get('page') ?? 0);
        return send({ data: list.slice(start, start + 2), next_page: start + 2 < list.length ? String(start + 2) : null, prev_page: null });
      }
      const m = /^\/v1\/sessions\/([^/]+)\/events$/.exec(url.pathname);
      if (m && EVENTS[m[1]]) return send({ data: EVENTS[m[1]], next_page: null });
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ type: 'error', error: { type: 'not_found_error', message: url.pathname } }));
    });
    await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
    process.env.ANTHROPIC_API_KEY = 'sk-ant-test-sessions';
    process.env.ANTHROPIC_BASE_URL = `http://127.0.0.1:${(api.address() as { port: number }).port}`;
  });

  afterAll(async () => {
    delete process.env.ANTHROPIC_API_KEY;
    delete process.env.ANTHROPIC_BASE_URL;
    await new Promise((r) => api?.close(r));
    await ingest?.shutdown();
    await nats?.cleanup();
    await pg?.cleanup();
  });

  const run = async (opts: { agent?: string; since?: string }) => {
    let summary: ManagedAgentsIngestSummary | undefined;
    await ingestManagedAgentsCommand(cliConfig({ REVERIE_API_KEY: KEYS.ingest.key, REVERIE_INGEST_URL: ingest.url, XDG_CONFIG_HOME: '/nonexistent' }), { json: true, result: (v) => { summary = v as ManagedAgentsIngestSummary; }, note: () => undefined }, opts);
    return summary as ManagedAgentsIngestSummary;
  };

  it('ingests the finished sessions of the agent (tool errors, MCP calls, the outcome), leaves running ones, and ingests nothing new the second time', async () => {
    const first = await run({ agent: 'agent_release', since: '2026-11-01' });
    expect(first).toMatchObject({ sessions: 2, unfinished: 1, rejected: [] });
    expect(first.accepted).toBe(first.events);
    expect(calls.some((c) => c.startsWith('GET /v1/sessions?') && c.includes('agent_id=agent_release') && c.includes('created_at%5Bgte%5D=2026-11-01'))).toBe(true);
    const store = new EventStore(nats.nc, nats.topology);
    const events = async (id: string) => (await store.readAggregate<SessionEvent>('sessions', 'acme', id)).events.map((e) => e.event);
    const publish = await events('sesn_01');
    expect(publish.map((e) => e.type)).toEqual(['SessionStarted', 'UserMessageRecorded', 'ToolCallRecorded', 'ToolResultRecorded', 'ToolCallRecorded', 'ToolResultRecorded', 'AssistantMessageRecorded', 'SessionEnded']);
    expect(publish[0]).toMatchObject({ data: { agentId: 'agent_release', source: 'managed-agents' } });
    expect(publish[3]).toMatchObject({ data: { isError: true } });
    expect(publish[7]).toMatchObject({ data: { outcome: 'unknown' } });
    const rotate = await events('sesn_02');
    expect(rotate.find((e) => e.type === 'ToolCallRecorded')).toMatchObject({ data: { toolName: 'mcp__vault__rotate' } });
    expect(rotate[rotate.length - 1]).toMatchObject({ type: 'SessionEnded', data: { outcome: 'failure' } });
    expect((await store.readAggregate('sessions', 'acme', 'sesn_03')).events).toEqual([]);
    const again = await run({ agent: 'agent_release' });
    expect(again).toMatchObject({ sessions: 2, accepted: 0, duplicates: first.events });
  });
});
