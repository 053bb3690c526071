import { runService } from '@reverie/service-kit';
import { createApp } from './app.factory';
import { loadGovernanceConfig, SERVICE } from './config/governance.config';

void runService({ service: SERVICE, loadConfig: loadGovernanceConfig, createApp });
