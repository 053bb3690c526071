import { Controller, Get, Headers, Inject, NotFoundException, Param, Query } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { TENANT_HEADER, type DreamView } from '@reverie/contracts';
import { DATA_SOURCE, parseRequest, resolveTenant } from '@reverie/service-kit';
import { z } from 'zod';
import { GOVERNANCE_CONFIG } from '../app.tokens';
import type { GovernanceConfig } from '../config/governance.config';

const listDreamsQuery = z.object({
  limit: z.coerce.number({ error: 'expected a number' }).int('expected a whole number').min(1).max(500).default(50),
});
const dreamIdParam = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'dream id must be 1-128 characters of A-Z a-z 0-9 _ -');

/** Dream runs as the DREAMS projection sees them, newest request first. */
@Controller('v1/dreams')
export class DreamsController {
  constructor(
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(GOVERNANCE_CONFIG) private readonly config: GovernanceConfig,
  ) {}

  @Get()
  async list(@Headers(TENANT_HEADER) tenant: string | undefined, @Query() query: unknown): Promise<DreamView[]> {
    const tenantId = resolveTenant(tenant, this.config.REVERIE_DEFAULT_TENANT);
    const { limit } = parseRequest(listDreamsQuery, query, 'query');
    const rows: { view: DreamView }[] = await this.ds.query(
      `SELECT view FROM governance_dreams WHERE tenant_id = $1 ORDER BY view->>'requestedAt' DESC, dream_id LIMIT $2`,
      [tenantId, limit],
    );
    return rows.map((r) => r.view);
  }

  @Get(':id')
  async get(@Headers(TENANT_HEADER) tenant: string | undefined, @Param('id') id: string): Promise<DreamView> {
    const tenantId = resolveTenant(tenant, this.config.REVERIE_DEFAULT_TENANT);
    const dreamId = parseRequest(dreamIdParam, id, 'params');
    const rows: { view: DreamView }[] = await this.ds.query(
      `SELECT view FROM governance_dreams WHERE tenant_id = $1 AND dream_id = $2`,
      [tenantId, dreamId],
    );
    if (!rows.length) throw new NotFoundException(`no dream ${dreamId} in tenant ${tenantId}`);
    return rows[0].view;
  }
}
