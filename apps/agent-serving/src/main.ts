// First: the tracing instrumentations must be in place before anything loads http or pg.
import '@reverie/service-kit/register-tracing';
import { runService } from '@reverie/service-kit';
import { createApp } from './app.factory';
import { loadServingConfig, SERVICE } from './config/serving.config';

void runService({ service: SERVICE, loadConfig: loadServingConfig, createApp });
