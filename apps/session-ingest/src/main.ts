import { runService } from '@reverie/service-kit';
import { createApp } from './app.factory';
import { loadIngestConfig, SERVICE } from './config/ingest.config';

void runService({ service: SERVICE, loadConfig: loadIngestConfig, createApp });
