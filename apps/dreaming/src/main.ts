import { runService } from '@reverie/service-kit';
import { createApp } from './app.factory';
import { loadDreamingConfig } from './config/dreaming.config';
import { SERVICE } from './consumers/dreaming-consumers.service';

void runService({ service: SERVICE, loadConfig: loadDreamingConfig, createApp });
