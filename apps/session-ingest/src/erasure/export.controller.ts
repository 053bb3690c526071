import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { z } from 'zod';
import { Allow, ApiOperation, CurrentPrincipal, parseRequest, type Principal } from '@reverie/service-kit';
import { ExportService, type UserExport } from './export.service';

export const ADMIN_EXPORTS_ROUTE = '/v1/admin/exports';
const exportBody = z.strictObject({ user: z.string({ error: 'expected the user id (a string)' }).min(1).max(256) });

/** Everything session-ingest holds about a user of the admin's tenant (`reverie export --user`). */
@Controller(ADMIN_EXPORTS_ROUTE)
export class ExportController {
  constructor(@Inject(ExportService) private readonly exports: ExportService) {}

  @Post()
  @HttpCode(200)
  @Allow('admin')
  @ApiOperation({ summary: 'Everything session-ingest holds about a user', body: exportBody, response: { description: 'UserExport: the user\'s sessions and their events, opened' } })
  export(@CurrentPrincipal() principal: Principal, @Body() body: unknown): Promise<UserExport> {
    return this.exports.export(principal.tenantId, parseRequest(exportBody, body, 'body').user);
  }
}
