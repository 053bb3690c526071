// First: the tracing instrumentations must be in place before anything loads http or pg.
import '@reverie/service-kit/register-tracing';
import { runService } from '@reverie/service-kit';
import { createApp } from './app.factory';
import { loadIngestConfig, SERVICE } from './config/ingest.config';

void runService({ service: SERVICE, loadConfig: loadIngestConfig, createApp });
