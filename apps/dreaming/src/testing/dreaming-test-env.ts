import type { SessionCipher } from '@reverie/content-crypto';
import { createLogger, ROLES, SESSION_CIPHER, type Role, type ServiceHandle } from '@reverie/service-kit';
import { CONSUMERS, EventStore, type StoredEvent } from '@reverie/event-store';
import { eventually, natsTestEnv, pgTestEnv, TEST_NATS_URL, type NatsTestEnv, type PgTestEnv } from '@reverie/testing';
import { newId, ROUTES, type DreamEvent, type DreamView, type Envelope, type LessonEvent, type SessionEvent } from '@reverie/contracts';
import { SessionBuilder } from '@reverie/dreaming-domain';
// Dreams propose through lesson-governance, the one writer of LESSONS: dreaming's integration
// tests need the real one answering, so this test code reaches into that app as e2e/ does.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { createApp as createGovernanceApp } from '../../../lesson-governance/src/app.factory';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { loadGovernanceConfig } from '../../../lesson-governance/src/config/governance.config';
import { createApp, type CreateAppOptions } from '../app.factory';
import { loadDreamingConfig } from '../config/dreaming.config';

/** The tenants the dreaming tests use: each has an operator key per role (TEST_API_KEYS). */
export const TEST_TENANTS = ['acme', 'globex', 'rejecting', 'natsy', 'busy', 'claude', 'counted', 'scheduled', 'ungoverned'] as const;
const TEST_KEY_ENTRIES = TEST_TENANTS.flatMap((tenant) => ROLES.map((role) => ({ tenant, role })));

/** The operator key of a tenant for one role, e.g. `acme-reviewer-key-0001`. */
export const testKey = (tenant: string, role: Role): string => `${tenant}-${role}-key-0001`;
/** `REVERIE_API_KEYS` for the tests: `<tenant>-<role>-key-0001:<tenant>:<role>` for every test tenant and role. */
export const TEST_API_KEYS = TEST_KEY_ENTRIES.map(({ tenant, role }) => `${testKey(tenant, role)}:${tenant}:${role}`).join(',');
/** The actor id the service gives that key: an operator key is named by its position in REVERIE_API_KEYS (service-kit). */
export function testKeyActor(tenant: string, role: Role): string {
  const index = TEST_KEY_ENTRIES.findIndex((e) => e.tenant === tenant && e.role === role);
  if (index < 0) throw new Error(`no test key for ${tenant}/${role}: add the tenant to TEST_TENANTS`);
  return `key:env-${index + 1}`;
}

export interface HttpAnswer<T> {
  status: number;
  headers: Headers;
  body: T;
}

/**
 * Real NATS (own namespace) + a fresh Postgres database + the dreaming app started in-process,
 * with TEST_API_KEYS, and lesson-governance beside it to apply the dreams' proposals.
 */
export interface DreamingTestEnv {
  nats: NatsTestEnv;
  pg: PgTestEnv;
  store: EventStore;
  app: ServiceHandle;
  governance: ServiceHandle;
  ingest(events: SessionEvent[]): Promise<void>;
  /** A call to the app with a raw credential (`null`: none) and extra headers. */
  http<T = unknown>(method: string, path: string, credential: string | null, body?: unknown, headers?: Record<string, string>): Promise<HttpAnswer<T>>;
  /** POST /v1/dreams as the tenant's reviewer key. */
  requestDream(tenantId: string): Promise<DreamView>;
  waitForDream(tenantId: string, dreamId: string): Promise<DreamView>;
  dreamEvents(tenantId: string, dreamId: string): Promise<DreamEvent[]>;
  lessonEvents(tenantId: string): Promise<StoredEvent<LessonEvent>[]>;
  close(): Promise<void>;
}

export async function startDreamingTestEnv(env: Record<string, string> = {}, options: CreateAppOptions = {}): Promise<DreamingTestEnv> {
  const nats = await natsTestEnv({ consumers: CONSUMERS });
  const pg = await pgTestEnv();
  const common = { NATS_URL: TEST_NATS_URL, DATABASE_URL: pg.url, REVERIE_NAMESPACE: nats.topology.namespace, PORT: '0', LOG_LEVEL: 'silent', REVERIE_API_KEYS: TEST_API_KEYS };
  const logLevel = process.env.TEST_LOG_LEVEL ?? 'silent';
  const governance = await createGovernanceApp(loadGovernanceConfig(common), { handleSignals: false, logger: createLogger('lesson-governance', logLevel) });
  const app = await createApp(loadDreamingConfig({ ...common, ...env }), { handleSignals: false, logger: createLogger('dreaming', logLevel), ...options })
    .catch(async (err: Error) => {
      await governance.shutdown('dreaming did not start');
      throw err;
    });
  const store = new EventStore(nats.nc, nats.topology);
  const http = async <T>(method: string, path: string, credential: string | null, body?: unknown, headers: Record<string, string> = {}): Promise<HttpAnswer<T>> => {
    const res = await fetch(`${app.url}${path}`, {
      method,
      headers: { ...headers, ...(credential !== null && { 'x-api-key': credential }), ...(body !== undefined && { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as T };
  };
  const call = <T>(method: string, path: string, tenantId: string, body?: unknown) => http<T>(method, path, testKey(tenantId, 'reviewer'), body);
  const self: DreamingTestEnv = {
    nats, pg, store, app, governance, http,
    async ingest(events) {
      await store.appendMany('sessions', events as Envelope[]);
    },
    async requestDream(tenantId) {
      const res = await call<DreamView>('POST', ROUTES.dreams, tenantId, { trigger: 'manual' });
      if (res.status !== 202) throw new Error(`POST ${ROUTES.dreams} answered ${res.status}: ${JSON.stringify(res.body)}`);
      return res.body;
    },
    async waitForDream(tenantId, dreamId) {
      return eventually(async () => {
        const res = await call<DreamView>('GET', ROUTES.dream(dreamId), tenantId);
        return res.status === 200 && (res.body.status === 'completed' || res.body.status === 'failed') ? res.body : undefined;
      }, { what: `dream ${dreamId} to end`, timeoutMs: 30_000 });
    },
    async dreamEvents(tenantId, dreamId) {
      return (await store.readAggregate<DreamEvent>('dreams', tenantId, dreamId)).events.map((e) => e.event);
    },
    /** LESSONS as the services read it: opened (the log holds lessons' words sealed). */
    async lessonEvents(tenantId) {
      const stored = await store.readSubject<LessonEvent>('lessons', nats.topology.tenantWildcard('lessons', tenantId));
      const opened = await app.app.get<SessionCipher>(SESSION_CIPHER).openLessons(tenantId, stored.map((s) => s.event));
      return stored.map((s, i) => ({ ...s, event: opened[i] }));
    },
    async close() {
      await app.shutdown('test done');
      await governance.shutdown('test done');
      await nats.cleanup();
      await pg.cleanup();
    },
  };
  return self;
}

const T0 = Date.parse('2025-03-01T09:00:00Z');

/**
 * A session where `npm publish` fails because `dist/` is missing (path and user vary), then the
 * agent builds and publishes: the planted recurring tool error.
 */
export function publishWithoutBuildSession(tenantId: string, sessionId: string, userId: string, n: number): SessionEvent[] {
  const b = new SessionBuilder(tenantId, sessionId, 'agent-1', userId, T0 + n * 3_600_000);
  b.start(`publish release 1.${n}.0 of the package`);
  b.tool('Bash', { command: 'npm publish' }, `npm ERR! code ENOENT\nnpm ERR! enoent ENOENT: no such file or directory, open '/home/${userId}/work/pkg-${n}/dist/index.js'\nnpm ERR! A complete log of this run can be found in /tmp/_logs/2025-03-01T09_${String(n).padStart(2, '0')}_11_123Z-debug-0.log`, true);
  b.tool('Bash', { command: 'npm run build' }, `built dist/ in ${n + 1}.2s`);
  b.tool('Bash', { command: 'npm publish' }, `+ pkg-${n}@1.${n}.0`);
  return b.end('success');
}

/** Decoys: a one-off error and a clean session. */
export function decoySessions(tenantId: string, prefix: string): SessionEvent[][] {
  const a = new SessionBuilder(tenantId, `${prefix}-decoy-a`, 'agent-1', 'dora', T0 - 7_200_000);
  a.start('read the config');
  a.tool('Read', { path: '/etc/app/config.yaml' }, 'EACCES: permission denied, open /etc/app/config.yaml', true);
  const b = new SessionBuilder(tenantId, `${prefix}-decoy-b`, 'agent-1', 'dora', T0 - 3_600_000);
  b.start('list the files');
  b.tool('Bash', { command: 'ls' }, 'README.md\nsrc');
  return [a.end('failure'), b.end('success')];
}

export function lessonRejected(tenantId: string, lessonId: string, supportAtRejection: number): Envelope {
  const now = new Date().toISOString();
  return {
    id: newId(), type: 'LessonRejected', schemaVersion: 1, tenantId, streamId: lessonId, occurredAt: now, recordedAt: now,
    actor: { kind: 'reviewer', id: 'rita' }, correlationId: newId(),
    data: { reviewer: 'rita', reason: 'not convinced yet', supportAtRejection },
  };
}
