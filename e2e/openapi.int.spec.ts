/**
 * Each service's OpenAPI document against the running service: the routes its Fastify instance
 * registered are the operations of its document, both ways (but the routes listed below, which
 * are not API); the document it serves is the one committed in docs/openapi; Swagger UI answers
 * at /docs, without a credential.
 */
import { readFile } from 'node:fs/promises';
import { SERVICE_NAMES, type ServiceName } from '@reverie/contracts';
import { CONSUMERS } from '@reverie/event-store';
import { createLogger, registeredRoutes, type OpenApiDocument, type ServiceHandle } from '@reverie/service-kit';
import { natsTestEnv, pgTestEnv, TEST_NATS_URL, type NatsTestEnv, type PgTestEnv } from '@reverie/testing';
import { createApp as createServing } from '../apps/agent-serving/src/app.factory';
import { loadServingConfig } from '../apps/agent-serving/src/config/serving.config';
import { createApp as createDreaming } from '../apps/dreaming/src/app.factory';
import { loadDreamingConfig } from '../apps/dreaming/src/config/dreaming.config';
import { createApp as createGovernance } from '../apps/lesson-governance/src/app.factory';
import { loadGovernanceConfig } from '../apps/lesson-governance/src/config/governance.config';
import { createApp as createIngest } from '../apps/session-ingest/src/app.factory';
import { loadIngestConfig } from '../apps/session-ingest/src/config/ingest.config';
import { documentFile, documentText } from '../tools/openapi-documents';

/** Served by every service and not in its document: probes, metrics, the document and Swagger UI themselves. */
const OPERATIONAL_ROUTES = ['GET /health', 'GET /health/ready', 'GET /health/live', 'GET /metrics', 'GET /openapi.json', 'GET /docs', 'GET /docs/{asset}'];
/** lesson-governance's reviewer console: static files (without a build, `/console/*` says how to make one). */
const STATIC_ROUTES: Partial<Record<ServiceName, string[]>> = { 'lesson-governance': ['GET /console', 'GET /console/*'] };

describe('the OpenAPI documents against the running services', () => {
  let nats: NatsTestEnv;
  let pg: PgTestEnv;
  const apps = {} as Record<ServiceName, ServiceHandle>;
  const served = {} as Record<ServiceName, OpenApiDocument>;

  beforeAll(async () => {
    nats = await natsTestEnv({ consumers: CONSUMERS });
    pg = await pgTestEnv();
    const env = { NATS_URL: TEST_NATS_URL, DATABASE_URL: pg.url, REVERIE_NAMESPACE: nats.topology.namespace, PORT: '0', LOG_LEVEL: 'silent' };
    const options = (s: ServiceName) => ({ handleSignals: false, logger: createLogger(s, 'silent') });
    apps['session-ingest'] = await createIngest(loadIngestConfig(env), options('session-ingest'));
    apps.dreaming = await createDreaming(loadDreamingConfig(env), options('dreaming'));
    apps['lesson-governance'] = await createGovernance(loadGovernanceConfig(env), options('lesson-governance'));
    apps['agent-serving'] = await createServing(loadServingConfig(env), options('agent-serving'));
    for (const s of SERVICE_NAMES) {
      const res = await fetch(`${apps[s].url}/openapi.json`);
      expect(`${s} ${res.status} ${res.headers.get('content-type')}`).toMatch(new RegExp(`^${s} 200 application/json`));
      served[s] = await res.json() as OpenApiDocument;
    }
  }, 120_000);

  afterAll(async () => {
    for (const s of SERVICE_NAMES) await apps[s]?.shutdown('test done');
    await nats?.cleanup();
    await pg?.cleanup();
  });

  /** `METHOD /path` of every route on the service's Fastify instance, params as OpenAPI writes them. */
  const registered = (service: ServiceName): string[] => {
    const all = new Set(registeredRoutes(apps[service].app.getHttpAdapter().getInstance()).map((r) => `${r.method} ${r.url.replace(/:(\w+)/g, '{$1}')}`));
    // Fastify adds a HEAD route to every GET route.
    return [...all].filter((r) => !(r.startsWith('HEAD ') && all.has(`GET ${r.slice('HEAD '.length)}`))).sort();
  };
  const documented = (service: ServiceName): string[] =>
    Object.entries(served[service].paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)).sort();

  it.each(SERVICE_NAMES)('%s: the routes registered are the operations of its document, both ways', (service) => {
    const notApi = [...OPERATIONAL_ROUTES, ...(STATIC_ROUTES[service] ?? [])];
    const routes = registered(service);
    expect(routes).toEqual(expect.arrayContaining(OPERATIONAL_ROUTES));
    const api = routes.filter((r) => !notApi.includes(r));
    const operations = documented(service);
    expect({
      service,
      'registered but not in the document (give the route @ApiOperation)': api.filter((r) => !operations.includes(r)),
      'in the document but not registered': operations.filter((o) => !api.includes(o)),
    }).toEqual({ service, 'registered but not in the document (give the route @ApiOperation)': [], 'in the document but not registered': [] });
    expect(operations.length).toBeGreaterThan(1);
  });

  it.each(SERVICE_NAMES)('%s: serves the document committed in docs/openapi', async (service) => {
    const committed = await readFile(documentFile(service), 'utf8');
    if (documentText(served[service]) !== committed) throw new Error(`${service} serves a document other than docs/openapi/${service}.json: run \`npm run openapi\` and commit the result`);
  });

  it.each(SERVICE_NAMES)('%s: Swagger UI answers at /docs with no credential, and loads its files and the document', async (service) => {
    const page = await fetch(`${apps[service].url}/docs`);
    expect(`${page.status} ${page.headers.get('content-type')}`).toBe('200 text/html; charset=utf-8');
    const html = await page.text();
    const links = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map(([, link]) => link);
    expect(links).toEqual(expect.arrayContaining(['docs/swagger-ui.css', 'docs/swagger-ui-bundle.js', 'docs/swagger-initializer.js']));
    for (const link of links) {
      const res = await fetch(new URL(link, page.url));
      expect(`${link} ${res.status}`).toBe(`${link} 200`);
      if (link.endsWith('initializer.js')) {
        const initializer = await res.text();
        const documentUrl = /url: '([^']+)'/.exec(initializer)?.[1] ?? 'none';
        expect((await fetch(new URL(documentUrl, page.url))).status).toBe(200);
      } else {
        await res.arrayBuffer();
      }
    }
    const missing = await fetch(`${apps[service].url}/docs/index.html`);
    expect(`${missing.status} ${missing.headers.get('content-type')}`).toMatch(/^404 application\/problem\+json/);
  });
});
