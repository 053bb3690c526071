// First: the tracing instrumentations must be in place before anything loads http or pg.
import '@reverie/service-kit/register-tracing';
import { runService } from '@reverie/service-kit';
import { createApp } from './app.factory';
import { loadDreamingConfig } from './config/dreaming.config';
import { SERVICE } from './consumers/dreaming-consumers.service';

void runService({ service: SERVICE, loadConfig: loadDreamingConfig, createApp });
