// `npm run openapi`: writes each service's OpenAPI document to docs/openapi/<service>.json.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SERVICE_NAMES } from '@reverie/contracts';
import { documentFile, documentText, OPENAPI_DIR, openApiDocuments } from './openapi-documents';

void (async () => {
  await mkdir(OPENAPI_DIR, { recursive: true });
  const documents = await openApiDocuments();
  for (const service of SERVICE_NAMES) {
    await writeFile(documentFile(service), documentText(documents[service]));
    const operations = Object.values(documents[service].paths).reduce((n, methods) => n + Object.keys(methods).length, 0);
    console.log(`${path.relative(process.cwd(), documentFile(service))}: ${operations} operations`);
  }
})().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
