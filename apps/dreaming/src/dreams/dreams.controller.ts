import { BadRequestException, Body, Controller, Get, Headers, HttpCode, Inject, NotFoundException, Param, Post, Res, ServiceUnavailableException } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { DreamTrigger, ROUTES, TENANT_HEADER, type DreamView } from '@reverie/contracts';
import { DreamRunner, InvalidTenantError } from './dream-runner.service';

const requestBody = z.object({
  trigger: DreamTrigger.optional(),
  requestedBy: z.string().min(1).max(256).optional(),
});

const DEFAULT_TENANT = 'default';

/**
 * `POST /v1/dreams` starts a dream for the tenant named by `x-reverie-tenant` (default `default`)
 * and answers 202 with its DreamView; when one is already running it answers 202 with that one.
 * `GET /v1/dreams/:id` folds the dream's DREAMS events into its DreamView.
 */
@Controller()
export class DreamsController {
  constructor(@Inject(DreamRunner) private readonly runner: DreamRunner) {}

  @Post(ROUTES.dreams)
  @HttpCode(202)
  async request(@Headers(TENANT_HEADER) tenantHeader: string | undefined, @Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply): Promise<DreamView> {
    const parsed = requestBody.safeParse(body ?? {});
    if (!parsed.success) throw new BadRequestException(parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`));
    const tenantId = tenantHeader?.trim() || DEFAULT_TENANT;
    try {
      const { view } = await this.runner.request(tenantId, parsed.data.trigger ?? 'manual', parsed.data.requestedBy ?? 'http');
      void reply.header('location', ROUTES.dream(view.id));
      return view;
    } catch (err) {
      if (err instanceof InvalidTenantError) throw new BadRequestException(`${TENANT_HEADER}: ${err.message}`);
      if (/shutting down/.test((err as Error).message)) throw new ServiceUnavailableException((err as Error).message);
      throw err;
    }
  }

  @Get(`${ROUTES.dreams}/:id`)
  async get(@Headers(TENANT_HEADER) tenantHeader: string | undefined, @Param('id') id: string): Promise<DreamView> {
    const tenantId = tenantHeader?.trim() || DEFAULT_TENANT;
    let view: DreamView | undefined;
    try {
      view = await this.runner.view(tenantId, id);
    } catch (err) {
      if (err instanceof InvalidTenantError) throw new BadRequestException(`${TENANT_HEADER}: ${err.message}`);
      throw err;
    }
    if (!view) throw new NotFoundException(`dream ${id} not found for tenant ${tenantId}`);
    return view;
  }
}
