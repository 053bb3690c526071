import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, Public } from '@reverie/service-kit';
import { GOVERNANCE_CONFIG } from '../app.tokens';
import type { GovernanceConfig } from '../config/governance.config';

/** Where the console finds each service (public: addresses, no data). */
@Controller('console-config.json')
export class ConsoleConfigController {
  constructor(@Inject(GOVERNANCE_CONFIG) private readonly config: GovernanceConfig) {}

  @Get()
  @Public()
  @ApiOperation({ summary: 'Where the reviewer console finds each service', response: { description: '`{ services: { <service>: <base URL> } }`' } })
  get(): { services: Record<'session-ingest' | 'dreaming' | 'lesson-governance' | 'agent-serving', string> } {
    return { services: { 'session-ingest': this.config.REVERIE_INGEST_URL, dreaming: this.config.REVERIE_DREAMING_URL, 'lesson-governance': '', 'agent-serving': this.config.REVERIE_SERVING_URL } };
  }
}
