import path from 'node:path';
import { SERVICE_NAMES, type ServiceName } from '@reverie/contracts';
import { templateWriter } from '@reverie/dreaming-domain';
import { createLogger, previewApiDocument, systemClock, type OpenApiDocument } from '@reverie/service-kit';
import { servingAppModule } from '../apps/agent-serving/src/app.factory';
import { loadServingConfig } from '../apps/agent-serving/src/config/serving.config';
import { dreamingAppModule } from '../apps/dreaming/src/app.factory';
import { loadDreamingConfig } from '../apps/dreaming/src/config/dreaming.config';
import { governanceAppModule } from '../apps/lesson-governance/src/app.factory';
import { loadGovernanceConfig } from '../apps/lesson-governance/src/config/governance.config';
import { ingestAppModule } from '../apps/session-ingest/src/app.factory';
import { loadIngestConfig } from '../apps/session-ingest/src/config/ingest.config';

/** Where the generated documents are committed. */
export const OPENAPI_DIR = path.resolve(__dirname, '../docs/openapi');
export const documentFile = (service: ServiceName): string => path.join(OPENAPI_DIR, `${service}.json`);
export const documentText = (document: OpenApiDocument): string => `${JSON.stringify(document, null, 2)}\n`;

/**
 * Each service's OpenAPI document, from its module tree in Nest's preview mode: nothing is started
 * and the configuration is the defaults (routes do not depend on it). What each running service
 * serves at /openapi.json.
 */
export async function openApiDocuments(): Promise<Record<ServiceName, OpenApiDocument>> {
  const env = { LOG_LEVEL: 'silent' };
  const logger = createLogger('openapi', 'silent');
  const modules = {
    'session-ingest': () => ingestAppModule(loadIngestConfig(env), logger, systemClock),
    dreaming: () => dreamingAppModule(loadDreamingConfig(env), logger, systemClock, templateWriter),
    'lesson-governance': () => governanceAppModule(loadGovernanceConfig(env), logger, systemClock),
    'agent-serving': () => servingAppModule(loadServingConfig(env), logger, systemClock),
  } satisfies Record<ServiceName, unknown>;
  const documents = {} as Record<ServiceName, OpenApiDocument>;
  for (const service of SERVICE_NAMES) documents[service] = await previewApiDocument(service, modules[service]());
  return documents;
}
