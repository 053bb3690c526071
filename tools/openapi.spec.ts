import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { SERVICE_NAMES, type ServiceName } from '@reverie/contracts';
import type { OpenApiDocument } from '@reverie/service-kit';
import { documentFile, documentText, openApiDocuments } from './openapi-documents';

const run = promisify(execFile);
// The validator is an ES module reading its schemas beside it: it runs as its own process.
const VALIDATOR = path.join(path.dirname(require.resolve('@seriousme/openapi-schema-validator/package.json')), 'bin/validate-api-cli.js');

describe('docs/openapi: the services\' OpenAPI documents', () => {
  let documents: Record<ServiceName, OpenApiDocument>;

  beforeAll(async () => {
    documents = await openApiDocuments();
  }, 60_000);

  it.each(SERVICE_NAMES)('%s: the committed document is the one the code generates', async (service) => {
    const committed = await readFile(documentFile(service), 'utf8').catch(() => 'missing');
    if (committed !== documentText(documents[service])) {
      throw new Error(`${path.relative(process.cwd(), documentFile(service))} is out of date with the routes and schemas: run \`npm run openapi\` and commit the result`);
    }
  });

  it.each(SERVICE_NAMES)('%s: the committed document is valid OpenAPI 3.1', async (service) => {
    const { stdout } = await run(process.execPath, [VALIDATOR, documentFile(service)]).catch((err: { stdout?: string }) => ({ stdout: err.stdout ?? String(err) }));
    expect({ service, result: JSON.parse(stdout) as unknown }).toEqual({ service, result: { valid: true } });
    expect(documents[service].openapi).toMatch(/^3\.1\./);
  });

  it.each(SERVICE_NAMES)('%s: every operation needs a role or says it is public, and names every path parameter', (service) => {
    for (const [route, operations] of Object.entries(documents[service].paths)) {
      const names = [...route.matchAll(/\{(\w+)\}/g)].map(([, n]) => n);
      for (const [method, op] of Object.entries(operations) as [string, { security?: unknown[]; parameters?: { in: string; name: string }[] }][]) {
        const where = `${service} ${method.toUpperCase()} ${route}`;
        expect({ where, security: Array.isArray(op.security) }).toEqual({ where, security: true });
        expect({ where, params: (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name) }).toEqual({ where, params: names });
      }
    }
  });
});
