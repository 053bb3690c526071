import { Controller, Get, Inject, NotFoundException, Param, Query } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import { SUBJECT_TOKEN } from '@reverie/contracts';
import type { SessionCipher } from '@reverie/content-crypto';
import { Allow, ApiOperation, CurrentPrincipal, DATA_SOURCE, parseRequest, SESSION_CIPHER, type Principal } from '@reverie/service-kit';
import { ServingForensics, type BlastRadius, type ServedAt } from './serving-forensics';

const agentIdParam = z.string().regex(SUBJECT_TOKEN, 'agent id must be 1-128 characters of A-Z a-z 0-9 _ -');
const lessonIdParam = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'lesson id must be 1-128 characters of A-Z a-z 0-9 _ -');
const servedQuery = z.strictObject({
  at: z.string({ error: 'expected at: a date-time (2026-11-30T14:00:00Z) or a date' }).refine((s) => !Number.isNaN(Date.parse(s)), 'expected a date-time (2026-11-30T14:00:00Z) or a date')
    .transform((s) => new Date(s).toISOString()),
  sessionId: z.string().min(1).max(200).optional(),
});

/** Investigations (reviewers, approvers, admins): what an agent was served at a time; where a lesson went. */
@Controller('v1')
export class ForensicsController {
  private readonly forensics: ServingForensics;

  constructor(@Inject(DATA_SOURCE) ds: DataSource, @Inject(SESSION_CIPHER) cipher: SessionCipher) {
    this.forensics = new ServingForensics(ds, cipher);
  }

  @Get('agents/:agentId/served')
  @Allow('reviewer', 'approver', 'admin')
  @ApiOperation({ summary: 'What an agent was served at a time', params: { agentId: agentIdParam }, query: servedQuery, response: { description: 'ServedAt: the last answer the agent got at or before `at`, and every lesson version live for it then' } })
  servedAt(@CurrentPrincipal() principal: Principal, @Param('agentId') agentId: string, @Query() query: unknown): Promise<ServedAt> {
    const { at, sessionId } = parseRequest(servedQuery, query, 'query');
    return this.forensics.servedAt(principal.tenantId, parseRequest(agentIdParam, agentId, 'params'), at, sessionId);
  }

  @Get('lessons/:lessonId/servings')
  @Allow('reviewer', 'approver', 'admin')
  @ApiOperation({ summary: 'Where a lesson went: its live versions and the sessions it was served to', params: { lessonId: lessonIdParam }, response: { description: 'BlastRadius' }, errors: { 404: 'The lesson was never live nor served in the caller\'s tenant' } })
  async blastRadius(@CurrentPrincipal() principal: Principal, @Param('lessonId') lessonId: string): Promise<BlastRadius> {
    const radius = await this.forensics.blastRadius(principal.tenantId, parseRequest(lessonIdParam, lessonId, 'params'));
    // A lesson never served nor live in the caller's tenant is none of its business: the same answer as one that does not exist.
    if (!radius.versions.length && !radius.sessions.length) throw new NotFoundException(`no lesson ${lessonId} was ever live or served in tenant ${principal.tenantId}`);
    return radius;
  }
}
