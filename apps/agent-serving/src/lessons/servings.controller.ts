import { Controller, Get, Inject, Query } from '@nestjs/common';
import { z } from 'zod';
import { servingEventSchema, type ServingEvent } from '@reverie/contracts';
import { replay, type EventStore } from '@reverie/event-store';
import { Allow, ApiOperation, CurrentPrincipal, EVENT_STORE, parseRequest, type Principal } from '@reverie/service-kit';

const servingsQuery = z.strictObject({
  sessions: z.string({ error: 'expected sessions: session ids separated by commas' }).min(1).max(100_000).transform((s) => new Set(s.split(',').map((x) => x.trim()).filter(Boolean))),
});

/** What was served to given sessions of the admin's tenant, and what their agents reported (`reverie export --user`), read from SERVING. */
@Controller('v1/admin/servings')
export class ServingsController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @Get()
  @Allow('admin')
  @ApiOperation({ summary: 'What was served to given sessions, and what their agents reported', query: servingsQuery, response: { description: 'The SERVING events of those sessions', schema: z.array(servingEventSchema) } })
  async list(@CurrentPrincipal() principal: Principal, @Query() query: unknown): Promise<ServingEvent[]> {
    const { sessions } = parseRequest(servingsQuery, query, 'query');
    const out: ServingEvent[] = [];
    for await (const batch of replay(this.store, 'serving', servingEventSchema, { filterSubject: this.store.topology.tenantWildcard('serving', principal.tenantId) })) {
      for (const { event } of batch) if (event.data.sessionId && sessions.has(event.data.sessionId)) out.push(event);
    }
    return out;
  }
}
