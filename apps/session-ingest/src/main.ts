import { ConfigError, createLogger, startTracing } from '@reverie/service-kit';
import { createApp } from './app.factory';
import { loadIngestConfig, SERVICE } from './config/ingest.config';

async function main(): Promise<void> {
  let config;
  try {
    config = loadIngestConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${SERVICE}: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const tracing = startTracing(SERVICE, { endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT });
  const logger = createLogger(SERVICE, config.LOG_LEVEL);
  try {
    await createApp(config, { logger, onShutdown: [{ name: 'tracing', run: () => tracing.shutdown() }] });
  } catch (err) {
    logger.fatal({ err }, `${SERVICE} failed to start: ${(err as Error).message}`);
    await tracing.shutdown();
    process.exit(1);
  }
}

void main();
