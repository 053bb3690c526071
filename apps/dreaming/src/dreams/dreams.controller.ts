import { Body, Controller, Get, HttpCode, Inject, NotFoundException, Param, Post, Res, ServiceUnavailableException } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { ROUTES, type DreamView } from '@reverie/contracts';
import { Allow, ApiOperation, CurrentPrincipal, parseRequest, type Principal } from '@reverie/service-kit';
import { DreamRunner } from './dream-runner.service';

/**
 * What a caller may say when it asks for a dream. Not who it is: `requestedBy` is the verified
 * caller, and a body naming anyone is refused (400) rather than silently overridden. Not a
 * trigger other than `manual` either: `schedule` and `session-count` dreams are the service's own.
 */
export const requestDreamBody = z.object({
  trigger: z.literal('manual', { error: 'expected "manual" (schedule and session-count dreams are started by the service itself)' }).optional(),
  requestedBy: z.never({ error: 'not accepted: who requested the dream is the authenticated caller (its API key or token), never a name in the body; remove this field' }).optional(),
});

/**
 * `POST /v1/dreams` starts a dream for the caller's tenant (its verified credential's) and answers
 * 202 with its DreamView; when one is already running it answers 202 with that one.
 * `GET /v1/dreams/:id` folds the dream's DREAMS events into its DreamView: a dream of another
 * tenant is not found.
 */
@Controller()
export class DreamsController {
  constructor(@Inject(DreamRunner) private readonly runner: DreamRunner) {}

  /**
   * Reviewers and approvers ask for the dream whose proposals they will review; admins operate the
   * deployment. Not ingest keys (publishing sessions is not asking for model time) nor agents.
   */
  @Post(ROUTES.dreams)
  @Allow('reviewer', 'approver', 'admin')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Start a dream for the caller\'s tenant',
    body: requestDreamBody,
    response: { description: 'DreamView (libs/contracts) of the dream started, or of the one already running', headers: { location: 'The dream: `/v1/dreams/{id}`' } },
    errors: { 503: 'The service is shutting down' },
  })
  async request(@CurrentPrincipal() principal: Principal, @Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply): Promise<DreamView> {
    const { trigger } = parseRequest(requestDreamBody, body, 'body');
    try {
      const { view } = await this.runner.request(principal.tenantId, trigger ?? 'manual', principal.actor.id);
      void reply.header('location', ROUTES.dream(view.id));
      return view;
    } catch (err) {
      if (/shutting down/.test((err as Error).message)) throw new ServiceUnavailableException((err as Error).message);
      throw err;
    }
  }

  @Get(`${ROUTES.dreams}/:id`)
  @Allow('reviewer', 'approver', 'admin')
  @ApiOperation({ summary: 'A dream of the caller\'s tenant', response: { description: 'DreamView (libs/contracts)' }, errors: { 404: 'No such dream in the caller\'s tenant' } })
  async get(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<DreamView> {
    const view = await this.runner.view(principal.tenantId, id);
    if (!view) throw new NotFoundException(`dream ${id.slice(0, 128)} not found for tenant ${principal.tenantId}`);
    return view;
  }
}
