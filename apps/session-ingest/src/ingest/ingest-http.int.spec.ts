import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ROUTES, type SessionEvent } from '@reverie/contracts';
import { EventStore } from '@reverie/event-store';
import { importContent } from '@reverie/importers';
import { createIngestClient, IngestSendError } from '@reverie/ingest-client';
import { API_KEY_STORE, KEY_CACHE_MS, mintApiKey, type ApiKeyStore } from '@reverie/service-kit';
import { eventually } from '@reverie/testing';
import { postJson, readSessionsRaw, sessionEvents, sessionsMessageCount } from '../testing/session-fixtures';
import { startIngestTestEnv, type IngestTestEnv } from '../testing/ingest-test-env';

const OTEL_SAMPLE = resolve(__dirname, '../../../../samples/real/otel-genai/spec-example-tool-call-spans.json');

describe('session-ingest over HTTP and NATS (real NATS and Postgres)', () => {
  let env: IngestTestEnv;
  let store: EventStore;
  const ingest = (body: unknown, key: string | null = env.keys.acme) =>
    postJson(`${env.url}${ROUTES.ingestEvents}`, body, key === null ? {} : { 'x-api-key': key });
  const count = () => sessionsMessageCount(env.nats.nc, env.nats.topology);

  beforeAll(async () => {
    env = await startIngestTestEnv({ env: { INGEST_MAX_BATCH_EVENTS: '50', INGEST_MAX_EVENT_BYTES: '20000', INGEST_MAX_DEPTH: '8', INGEST_MAX_BODY_BYTES: '200000' } });
    store = new EventStore(env.nats.nc, env.nats.topology);
  });
  afterAll(async () => {
    await env?.stop();
  });

  it('accepts a valid batch with 202, and its events are in SESSIONS under the key\'s tenant', async () => {
    const events = sessionEvents('http-valid');
    const before = await count();
    const res = await ingest({ events });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ accepted: 6, duplicates: 0, rejected: [], redactions: {} });
    expect(await count()).toBe(before + 6);
    const { events: stored } = await store.readAggregate<SessionEvent>('sessions', 'acme', 'http-valid');
    expect(stored.map((s) => s.event.id)).toEqual(events.map((e) => e.id));
    expect(stored.every((s) => s.event.tenantId === 'acme' && s.event.schemaVersion === 1 && typeof s.event.recordedAt === 'string')).toBe(true);
    expect(stored.map((s) => s.subject)).toEqual(events.map(() => env.nats.topology.subject('sessions', 'acme', 'http-valid')));
  });

  it('answers a mixed batch with 207 listing the invalid events by index and reason, and writes only the valid ones', async () => {
    const good = sessionEvents('http-mixed');
    const batch = [
      good[0],
      { ...good[1], data: { seq: 1, text: 42 } },
      good[2],
      { ...good[3], type: 'ToolCallInvented' },
      'not an object',
      { ...good[4], data: { ...(good[4].data as object), isError: 'yes' } },
      good[5],
    ];
    const before = await count();
    const res = await ingest({ events: batch });
    expect(res.status).toBe(207);
    expect(res.body.accepted).toBe(3);
    expect(res.body.rejected.map((r: { index: number }) => r.index)).toEqual([1, 3, 4, 5]);
    const byIndex = Object.fromEntries(res.body.rejected.map((r: { index: number; reason: string }) => [r.index, r]));
    expect(byIndex[1]).toMatchObject({ eventId: 'http-mixed-e1', field: 'data.text', reason: expect.stringContaining('data.text') });
    expect(byIndex[3].reason).toMatch(/unknown event type "ToolCallInvented"/);
    expect(byIndex[4].reason).toMatch(/must be a JSON object/);
    expect(byIndex[5]).toMatchObject({ field: 'data.isError' });
    expect(await count()).toBe(before + 3);
    const { events: stored } = await store.readAggregate<SessionEvent>('sessions', 'acme', 'http-mixed');
    expect(stored.map((s) => s.event.id)).toEqual([good[0].id, good[2].id, good[5].id]);
  });

  it('adds nothing when the same batch is sent again (within the dedup window)', async () => {
    const events = sessionEvents('http-twice');
    expect((await ingest({ events })).body).toMatchObject({ accepted: 6, duplicates: 0 });
    const after = await count();
    const again = await ingest({ events });
    expect(again.status).toBe(202);
    expect(again.body).toMatchObject({ accepted: 0, duplicates: 6 });
    expect(await count()).toBe(after);
  });

  it('refuses a missing or unknown API key with 401 and writes nothing; accepts Authorization: Bearer', async () => {
    const before = await count();
    const missing = await ingest({ events: sessionEvents('http-auth') }, null);
    expect(missing.status).toBe(401);
    expect(missing.contentType).toContain('application/problem+json');
    expect(missing.body.detail).toMatch(/credential is required: send an API key in the x-api-key header/);
    const wrong = await ingest({ events: sessionEvents('http-auth') }, 'not-a-configured-key-000');
    expect(wrong).toMatchObject({ status: 401, body: { title: 'Unauthorized', detail: 'the API key is not valid' } });
    expect(await count()).toBe(before);
    const bearer = await postJson(`${env.url}${ROUTES.ingestEvents}`, { events: sessionEvents('http-auth') }, { authorization: `Bearer ${env.keys.globex}` });
    expect(bearer.status).toBe(202);
    expect((await store.readAggregate('sessions', 'globex', 'http-auth')).events).toHaveLength(6);
    expect((await store.readAggregate('sessions', 'acme', 'http-auth')).events).toHaveLength(0);
  });

  it('needs the ingest role to write, judged before the body is read: a reviewer key gets 403, even for a body over the limit', async () => {
    const before = await count();
    const reviewer = await ingest({ events: sessionEvents('http-role') }, env.readerKeys.acme);
    expect(reviewer).toMatchObject({ status: 403, contentType: expect.stringContaining('application/problem+json'), body: { title: 'Forbidden', detail: expect.stringMatching(/needs one of the roles ingest; the credential has reviewer/) } });
    const huge = await ingest(JSON.stringify({ events: [{ ...sessionEvents('http-role')[1], data: { seq: 1, text: 'x'.repeat(300_000) } }] }), env.readerKeys.acme);
    expect(huge.status).toBe(403);
    const otlp = await postJson(`${env.url}${ROUTES.ingestOtlpTraces}`, { resourceSpans: [] }, { 'x-api-key': env.readerKeys.acme });
    expect(otlp.status).toBe(403);
    expect(await count()).toBe(before);
  });

  it('accepts an rvk_ key stored in Postgres over HTTP and NATS, and refuses it once revoked', async () => {
    const keys = env.handle.app.get<ApiKeyStore>(API_KEY_STORE);
    const minted = mintApiKey();
    await keys.create({ keyId: minted.keyId, tenantId: 'globex', name: 'collector', roles: ['ingest'], secretHash: minted.secretHash, createdAt: new Date().toISOString(), createdBy: 'test' });
    expect((await ingest({ events: sessionEvents('http-stored-key') }, minted.token)).status).toBe(202);
    expect((await store.readAggregate('sessions', 'globex', 'http-stored-key')).events).toHaveLength(6);
    const overNats = createIngestClient({ transport: 'nats', nc: env.nats.nc, apiKey: minted.token, namespace: env.nats.topology.namespace }, { maxRetries: 0 });
    expect(await overNats.sendBatch(sessionEvents('nats-stored-key') as never)).toMatchObject({ accepted: 6 });
    await keys.revoke('globex', minted.keyId, 'test', new Date().toISOString());
    await new Promise((r) => setTimeout(r, KEY_CACHE_MS));
    expect(await ingest({ events: sessionEvents('http-stored-key-2') }, minted.token)).toMatchObject({ status: 401, body: { detail: 'the API key was revoked' } });
    expect(await overNats.sendBatch(sessionEvents('nats-stored-key-2') as never).catch((e: unknown) => e)).toMatchObject({ status: 401 });
  });

  it('says who a credential is on GET /v1/whoami, to any role', async () => {
    const who = async (key: string) => (await fetch(`${env.url}/v1/whoami`, { headers: { 'x-api-key': key } })).json() as Promise<Record<string, unknown>>;
    expect(await who(env.keys.acme)).toEqual({ tenantId: 'acme', actor: { kind: 'service', id: expect.stringMatching(/^key:env-\d+$/) }, roles: ['ingest'], credential: expect.objectContaining({ type: 'api-key' }) });
    expect(await who(env.readerKeys.globex)).toMatchObject({ tenantId: 'globex', roles: ['reviewer'] });
    expect((await fetch(`${env.url}/v1/whoami`)).status).toBe(401);
  });

  it('lets two tenants send the same event ids: neither suppresses nor reads the other\'s events', async () => {
    const events = sessionEvents('http-same-ids');
    const a = await ingest({ events });
    const b = await postJson(`${env.url}${ROUTES.ingestEvents}`, { events: events.map((e) => ({ ...e, data: { ...(e.data as object), ...('text' in (e.data as object) ? { text: 'globex text' } : {}) } })) }, { 'x-api-key': env.keys.globex });
    expect(a.body).toMatchObject({ accepted: 6, duplicates: 0 });
    expect(b.body).toMatchObject({ accepted: 6, duplicates: 0 });
    const acme = await env.cipher.open('acme', (await store.readAggregate<SessionEvent>('sessions', 'acme', 'http-same-ids')).events.map((s) => s.event));
    const globex = await env.cipher.open('globex', (await store.readAggregate<SessionEvent>('sessions', 'globex', 'http-same-ids')).events.map((s) => s.event));
    expect(acme.map((e) => e.id)).toEqual(globex.map((e) => e.id));
    expect(acme.every((e) => e.tenantId === 'acme') && globex.every((e) => e.tenantId === 'globex')).toBe(true);
    expect(acme.flatMap((e) => ('text' in e.data ? [e.data.text] : []))).not.toContain('globex text');
    expect(globex.filter((e) => e.type === 'UserMessageRecorded').map((e) => 'text' in e.data && e.data.text)).toEqual(['globex text']);
  });

  it('authenticates the route the router matched, however the path is written', async () => {
    const encoded = `${env.url}/%76%31/events`;
    const anonymous = await postJson(encoded, { events: sessionEvents('http-encoded') }, {});
    expect(anonymous.status).toBe(401);
    expect((await store.readAggregate('sessions', 'acme', 'http-encoded')).events).toHaveLength(0);
    expect((await postJson(encoded, { events: sessionEvents('http-encoded') }, { 'x-api-key': env.keys.acme })).status).toBe(202);
    expect((await postJson(`${env.url}/V1/EVENTS`, { events: sessionEvents('http-encoded') }, {})).status).toBe(404);
    expect((await fetch(`${env.url}/health`)).status).not.toBe(401);
  });

  it('rejects events whose body names another tenant than the key\'s', async () => {
    const events = sessionEvents('http-tenant');
    const res = await ingest({ events: [{ ...events[0], tenantId: 'globex' }, { ...events[1], tenantId: 'acme' }] });
    expect(res.status).toBe(207);
    expect(res.body.rejected).toEqual([expect.objectContaining({ index: 0, field: 'tenantId', reason: expect.stringMatching(/does not match the API key's tenant 'acme'/) })]);
    expect((await store.readAggregate('sessions', 'globex', 'http-tenant')).events).toHaveLength(0);
    expect((await store.readAggregate('sessions', 'acme', 'http-tenant')).events.map((s) => s.event.id)).toEqual([events[1].id]);
  });

  it('refuses a bad request as a whole with problem+json naming the limit, and writes nothing', async () => {
    const before = await count();
    const events = sessionEvents('http-limits');
    const tooMany = await ingest({ events: Array.from({ length: 51 }, (_, i) => ({ ...events[1], id: `many-${i}` })) });
    expect(tooMany).toMatchObject({ status: 413, body: { detail: expect.stringMatching(/51 events; the limit is 50/) } });
    const tooBig = await ingest(JSON.stringify({ events: [{ ...events[1], data: { seq: 1, text: 'x'.repeat(300_000) } }] }));
    expect(tooBig).toMatchObject({ status: 413, body: { limit: 'maxBodyBytes', max: 200000 } });
    const badUtf8 = await ingest(Buffer.concat([Buffer.from('{"events":[{"id":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}]}')]));
    expect(badUtf8).toMatchObject({ status: 400, body: { title: 'Invalid UTF-8', detail: expect.stringContaining('byte offset 18') } });
    const truncated = await ingest('{"events":[{"id":"a"');
    expect(truncated).toMatchObject({ status: 400, body: { title: 'Invalid JSON' } });
    const notBatch = await ingest({ items: [] });
    expect(notBatch).toMatchObject({ status: 400, body: { detail: expect.stringContaining('"events" array') } });
    const text = await postJson(`${env.url}${ROUTES.ingestEvents}`, 'events', { 'x-api-key': env.keys.acme, 'content-type': 'text/plain' });
    expect(text).toMatchObject({ status: 415, contentType: expect.stringContaining('application/problem+json') });
    expect(await count()).toBe(before);
  });

  it('rejects single events over the event size or nesting limit, naming the limit, and keeps the rest', async () => {
    const events = sessionEvents('http-event-limits');
    let deep: unknown = 'bottom';
    for (let i = 0; i < 12; i++) deep = { d: deep };
    const res = await ingest({ events: [events[0], { ...events[1], data: { seq: 1, text: 'y'.repeat(25_000) } }, { ...events[3], data: { ...(events[3].data as object), input: deep } }] });
    expect(res.status).toBe(207);
    expect(res.body.accepted).toBe(1);
    expect(res.body.rejected[0]).toMatchObject({ index: 1, reason: expect.stringMatching(/the limit is 20000 bytes/) });
    expect(res.body.rejected[1]).toMatchObject({ index: 2, reason: expect.stringMatching(/nesting depth exceeds the limit of 8/) });
    expect((await store.readAggregate('sessions', 'acme', 'http-event-limits')).events).toHaveLength(1);
  });

  it('projects sessions into the read model, served by GET /v1/sessions and /v1/sessions/:id to a reviewer of the key\'s tenant', async () => {
    await ingest({ events: sessionEvents('http-read', { isError: true }) });
    const get = (path: string, key = env.readerKeys.acme) => fetch(`${env.url}${path}`, { headers: { 'x-api-key': key } }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
    const one = await eventually(async () => {
      const r = await get('/v1/sessions/http-read');
      return r.status === 200 && r.body.events === 6 ? r.body : undefined;
    }, { what: 'the sessions projection' });
    expect(one).toEqual({
      tenantId: 'acme', sessionId: 'http-read', agentId: 'agent-1', userId: 'u1', source: 'native', startedAt: '2025-01-01T12:00:00.000Z', endedAt: '2025-01-01T12:00:05.000Z',
      outcome: 'success', events: 6, messages: 2, toolCalls: 1, toolErrors: 1, redactions: {}, lastSeq: expect.any(Number),
    });
    const list = await get('/v1/sessions?limit=2');
    expect(list.status).toBe(200);
    expect(list.body.sessions).toHaveLength(2);
    expect(list.body.total).toBeGreaterThanOrEqual(5);
    expect((await get('/v1/sessions/http-read', env.readerKeys.globex)).status).toBe(404);
    expect((await get('/v1/sessions?limit=0')).status).toBe(400);
    expect((await fetch(`${env.url}/v1/sessions`)).status).toBe(401);
    // An ingest key writes sessions; it does not read them.
    expect((await get('/v1/sessions/http-read', env.keys.acme)).status).toBe(403);
    expect((await get('/v1/sessions', env.keys.acme)).status).toBe(403);
  });

  it('ingests over the NATS subject with request/reply, authenticated by the Reverie-Api-Key header', async () => {
    const client = createIngestClient({ transport: 'nats', nc: env.nats.nc, apiKey: env.keys.globex, namespace: env.nats.topology.namespace }, { maxRetries: 0 });
    const events = sessionEvents('nats-valid');
    const before = await count();
    const r = await client.sendBatch([...events, { ...events[1], id: 'nats-bad', data: { seq: 'one', text: 'x' } }] as never);
    expect(r).toMatchObject({ accepted: 6, duplicates: 0, rejected: [expect.objectContaining({ index: 6, eventId: 'nats-bad' })] });
    expect(await count()).toBe(before + 6);
    expect((await store.readAggregate('sessions', 'globex', 'nats-valid')).events).toHaveLength(6);
    expect(await client.sendBatch(events as never)).toMatchObject({ accepted: 0, duplicates: 6 });

    const wrongKey = createIngestClient({ transport: 'nats', nc: env.nats.nc, apiKey: 'nope-nope-nope-nope', namespace: env.nats.topology.namespace });
    const err = await wrongKey.sendBatch(events as never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IngestSendError);
    expect(err).toMatchObject({ status: 401, retryable: false });
    const reviewerKey = createIngestClient({ transport: 'nats', nc: env.nats.nc, apiKey: env.readerKeys.globex, namespace: env.nats.topology.namespace }, { maxRetries: 0 });
    expect(await reviewerKey.sendBatch(events as never).catch((e: unknown) => e)).toMatchObject({ status: 403, retryable: false });

    // The tenant-scoped subject must name the key's tenant.
    const { headers } = await import('@nats-io/transport-node');
    const h = headers();
    h.set('Reverie-Api-Key', env.keys.globex);
    const reply = await env.nats.nc.request(env.nats.topology.command('ingest', 'acme'), new TextEncoder().encode(JSON.stringify({ events })), { headers: h, timeout: 5000 });
    expect(reply.headers?.get('Reverie-Status')).toBe('403');
    expect(JSON.parse(new TextDecoder().decode(reply.data))).toMatchObject({ error: { status: 403 } });
    expect(await count()).toBe(before + 6);
  });

  it('is reachable through the ingest client over HTTP, batching recorded events', async () => {
    const client = createIngestClient({ transport: 'http', baseUrl: env.url, apiKey: env.keys.acme }, { batchSize: 4 });
    for (const e of sessionEvents('client-http')) client.record(e as never);
    expect(await client.close()).toMatchObject({ accepted: 6, duplicates: 0, rejected: [] });
    expect((await store.readAggregate('sessions', 'acme', 'client-http')).events).toHaveLength(6);
  });

  it('turns an OTLP/JSON trace export into the same session events the file importer gives', async () => {
    const sample = JSON.parse(await readFile(OTEL_SAMPLE, 'utf8')) as { spans: { name: string; attributes: Record<string, unknown> }[] };
    const otlp = {
      resourceSpans: [{
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'weather-agent' } }] },
        scopeSpans: [{
          scope: { name: 'genai' },
          spans: sample.spans.map((s, i) => ({
            traceId: '5b8efff798038103d269b633813fc60c', spanId: `eee19b7ec3c1b17${i}`, name: s.name,
            startTimeUnixNano: String(1_735_732_800_000_000_000 + i * 1_000_000_000), endTimeUnixNano: String(1_735_732_800_500_000_000 + i * 1_000_000_000),
            attributes: Object.entries(s.attributes).map(([key, v]) => ({ key, value: typeof v === 'string' ? { stringValue: v } : typeof v === 'number' ? { doubleValue: v } : { stringValue: JSON.stringify(v) } })),
          })),
        }],
      }],
    };
    const direct = importContent('otlp.json', JSON.stringify(otlp), { tenantId: 'acme', format: 'otel' });
    const expected = direct.sessions.flatMap((s) => s.events);
    expect(expected.length).toBeGreaterThan(0);
    const before = await count();
    const res = await postJson(`${env.url}${ROUTES.ingestOtlpTraces}`, otlp, { 'x-api-key': env.keys.acme });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ accepted: expected.length, duplicates: 0, rejected: [] });
    expect(await count()).toBe(before + expected.length);
    const raw = await readSessionsRaw(env.nats.nc, env.nats.topology);
    const ids = new Set(raw.map((m) => (JSON.parse(m.text.slice(m.text.indexOf('\n{') + 1)) as { id: string }).id));
    expect(expected.every((e) => ids.has(e.id))).toBe(true);
    expect(direct.sessions[0].stats.toolCalls).toBeGreaterThan(0);
    const again = await postJson(`${env.url}${ROUTES.ingestOtlpTraces}`, otlp, { 'x-api-key': env.keys.acme });
    expect(again.body).toMatchObject({ accepted: 0, duplicates: expected.length });
    const notOtlp = await postJson(`${env.url}${ROUTES.ingestOtlpTraces}`, { hello: 'world' }, { 'x-api-key': env.keys.acme });
    expect(notOtlp).toMatchObject({ status: 400, body: { title: 'Invalid OTLP export' } });
    const protobuf = await postJson(`${env.url}${ROUTES.ingestOtlpTraces}`, new Uint8Array([1, 2, 3]), { 'x-api-key': env.keys.acme, 'content-type': 'application/x-protobuf' });
    expect(protobuf.status).toBe(415);
  });
});
