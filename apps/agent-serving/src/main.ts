import { runService } from '@reverie/service-kit';
import { createApp } from './app.factory';
import { loadServingConfig, SERVICE } from './config/serving.config';

void runService({ service: SERVICE, loadConfig: loadServingConfig, createApp });
