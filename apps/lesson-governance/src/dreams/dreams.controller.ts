import { Controller, Get, Inject, NotFoundException, Param, Query } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { DreamView } from '@reverie/contracts';
import { Allow, ApiOperation, CurrentPrincipal, DATA_SOURCE, parseRequest, type Principal } from '@reverie/service-kit';
import { z } from 'zod';

const listDreamsQuery = z.object({
  limit: z.coerce.number({ error: 'expected a number' }).int('expected a whole number').min(1).max(500).default(50),
});
const dreamIdParam = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'dream id must be 1-128 characters of A-Z a-z 0-9 _ -');

/**
 * Dream runs as the DREAMS projection sees them, newest request first, for the caller's tenant
 * (the verified credential's): where the lessons under review came from.
 */
@Controller('v1/dreams')
export class DreamsController {
  constructor(@Inject(DATA_SOURCE) private readonly ds: DataSource) {}

  @Get()
  @Allow('reviewer', 'approver', 'admin')
  @ApiOperation({ summary: 'The tenant\'s dreams, newest request first', query: listDreamsQuery, response: { description: 'DreamView[] (libs/contracts)' } })
  async list(@CurrentPrincipal() principal: Principal, @Query() query: unknown): Promise<DreamView[]> {
    const { limit } = parseRequest(listDreamsQuery, query, 'query');
    const rows: { view: DreamView }[] = await this.ds.query(
      `SELECT view FROM governance_dreams WHERE tenant_id = $1 ORDER BY view->>'requestedAt' DESC, dream_id LIMIT $2`,
      [principal.tenantId, limit],
    );
    return rows.map((r) => r.view);
  }

  @Get(':id')
  @Allow('reviewer', 'approver', 'admin')
  @ApiOperation({ summary: 'A dream of the tenant', params: { id: dreamIdParam }, response: { description: 'DreamView (libs/contracts)' }, errors: { 404: 'No such dream in the caller\'s tenant' } })
  async get(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<DreamView> {
    const dreamId = parseRequest(dreamIdParam, id, 'params');
    const rows: { view: DreamView }[] = await this.ds.query(
      `SELECT view FROM governance_dreams WHERE tenant_id = $1 AND dream_id = $2`,
      [principal.tenantId, dreamId],
    );
    if (!rows.length) throw new NotFoundException(`no dream ${dreamId} in tenant ${principal.tenantId}`);
    return rows[0].view;
  }
}
