import { Controller, Get, Inject, NotFoundException, Param, Query } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import { sessionEventSchema, SUBJECT_TOKEN, type SessionEvent } from '@reverie/contracts';
import type { EventStore } from '@reverie/event-store';
import { SESSIONS_ROUTE, type IngestSessionView } from '@reverie/ingest-client';
import type { SessionCipher } from '@reverie/content-crypto';
import { Allow, ApiOperation, CurrentPrincipal, DATA_SOURCE, EVENT_STORE, parseRequest, SESSION_CIPHER, type Principal } from '@reverie/service-kit';
import { countSessions, findSession, listSessions } from './sessions.repository';

export const DEFAULT_SESSIONS_LIMIT = 50;
export const MAX_SESSIONS_LIMIT = 500;
const MAX_SESSION_EVENTS = 5000;

const limitError = `limit must be a whole number from 1 to ${MAX_SESSIONS_LIMIT}`;
const sessionsQuery = z.object({
  limit: z.coerce.number({ error: limitError }).int(limitError).min(1, limitError).max(MAX_SESSIONS_LIMIT, limitError).default(DEFAULT_SESSIONS_LIMIT),
});
const sessionIdParam = z.string().regex(SUBJECT_TOKEN, 'the session id must be 1-128 characters of A-Z a-z 0-9 _ -');
/** `GET /v1/sessions/:id/events`. */
const sessionEventsAnswer = z.object({ sessionId: z.string(), events: z.array(sessionEventSchema), truncated: z.boolean() });

/**
 * The ingest read model: which sessions a tenant has sent, with counts. It names agents and
 * users and what redaction removed, so it is for the people who review a tenant's sessions,
 * not for the agents that send them (an ingest key writes, it does not read).
 */
@Controller()
export class SessionsController {
  constructor(
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(SESSION_CIPHER) private readonly cipher: SessionCipher,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  /** The read model keeps user ids sealed as the log holds them; they are opened for the answer only. */
  private async opened(tenantId: string, sessions: IngestSessionView[]): Promise<IngestSessionView[]> {
    const users = await this.cipher.openValues(tenantId, sessions.map((s) => s.userId));
    return sessions.map((s, i) => (users[i] === undefined ? s : { ...s, userId: users[i] }));
  }

  @Get(SESSIONS_ROUTE)
  @Allow('reviewer', 'approver', 'admin')
  @ApiOperation({ summary: 'The tenant\'s sessions, with counts', query: sessionsQuery, response: { description: '`{ total, sessions }`: IngestSessionView (libs/ingest-client), newest first' } })
  async list(@CurrentPrincipal() { tenantId }: Principal, @Query() query: unknown): Promise<{ total: number; sessions: IngestSessionView[] }> {
    const { limit } = parseRequest(sessionsQuery, query, 'query');
    const [total, sessions] = await Promise.all([countSessions(this.ds, tenantId), listSessions(this.ds, tenantId, limit)]);
    return { total, sessions: await this.opened(tenantId, sessions) };
  }

  @Get(`${SESSIONS_ROUTE}/:id`)
  @Allow('reviewer', 'approver', 'admin')
  @ApiOperation({ summary: 'A session, with counts', params: { id: sessionIdParam }, response: { description: 'IngestSessionView (libs/ingest-client)' }, errors: { 404: 'No such session in the caller\'s tenant' } })
  async get(@CurrentPrincipal() { tenantId }: Principal, @Param('id') raw: string): Promise<IngestSessionView> {
    const id = parseRequest(sessionIdParam, raw, 'params');
    const session = await findSession(this.ds, tenantId, id);
    if (!session) throw new NotFoundException(`no session ${id} for this tenant`);
    return (await this.opened(tenantId, [session]))[0];
  }

  /**
   * A session's events, opened (redacted at ingest; erased content reads "[erased]"): what a reviewer
   * reads around a lesson's evidence. At most MAX_SESSION_EVENTS, in order.
   */
  @Get(`${SESSIONS_ROUTE}/:id/events`)
  @Allow('reviewer', 'approver', 'admin')
  @ApiOperation({
    summary: 'A session\'s events, opened',
    params: { id: sessionIdParam },
    response: { description: `The events in order, at most ${MAX_SESSION_EVENTS} (\`truncated\` when there are more)`, schema: sessionEventsAnswer },
    errors: { 404: 'No such session in the caller\'s tenant' },
  })
  async events(@CurrentPrincipal() { tenantId }: Principal, @Param('id') raw: string): Promise<z.output<typeof sessionEventsAnswer>> {
    const id = parseRequest(sessionIdParam, raw, 'params');
    const { events } = await this.store.readAggregate<SessionEvent>('sessions', tenantId, id);
    if (!events.length) throw new NotFoundException(`no session ${id} for this tenant`);
    const opened = await this.cipher.open(tenantId, events.slice(0, MAX_SESSION_EVENTS).map((e) => e.event));
    return { sessionId: id, events: opened, truncated: events.length > MAX_SESSION_EVENTS };
  }
}

