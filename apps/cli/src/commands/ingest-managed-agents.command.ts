import Anthropic from '@anthropic-ai/sdk';
import type { IngestResult, SessionEvent } from '@reverie/contracts';
import { importManagedAgentsSession, isFinished, type ManagedAgentsEvent, type ManagedAgentsSession } from '@reverie/importers';
import { createIngestClient, WHOAMI_ROUTE, type WhoAmI } from '@reverie/ingest-client';
import type { CliConfig } from '../cli-config';
import { callService, CliError, requireApiKey } from '../http';
import type { Output } from '../output';

export interface ManagedAgentsIngestSummary {
  sessions: number;
  /** Still running (or rescheduling): left for a later run. */
  unfinished: number;
  events: number;
  accepted: number;
  duplicates: number;
  rejected: { sessionId: string; reason: string }[];
}

/**
 * `reverie ingest --from managed-agents [--agent <id>] [--since <T>]`: reads the finished sessions
 * of Anthropic Managed Agents (one agent's, or all) through `@anthropic-ai/sdk`'s sessions API,
 * their events with them, and sends them to session-ingest. Event ids are derived from the
 * session and the event's place in it, so running it again ingests only what is new.
 */
export async function ingestManagedAgentsCommand(config: CliConfig, out: Output, opts: { agent?: string; since?: string; batch?: string }): Promise<number> {
  if (!process.env.ANTHROPIC_API_KEY) throw new CliError('ANTHROPIC_API_KEY is not set: Managed Agents sessions are read through Anthropic\'s API');
  if (opts.since !== undefined && Number.isNaN(Date.parse(opts.since))) throw new CliError(`--since: "${opts.since}" is not a date or ISO date-time`);
  const apiKey = requireApiKey(config);
  const { tenantId } = await callService<WhoAmI>(config, 'session-ingest', WHOAMI_ROUTE);
  const anthropic = new Anthropic();
  const summary: ManagedAgentsIngestSummary = { sessions: 0, unfinished: 0, events: 0, accepted: 0, duplicates: 0, rejected: [] };
  const events: SessionEvent[] = [];
  const origin: string[] = [];
  try {
    const list = anthropic.beta.sessions.list({ ...(opts.agent && { agent_id: opts.agent }), ...(opts.since && { 'created_at[gte]': new Date(opts.since).toISOString() }) });
    for await (const session of list) {
      if (!isFinished(session)) { summary.unfinished++; continue; }
      const log: ManagedAgentsEvent[] = [];
      for await (const e of anthropic.beta.sessions.events.list(session.id)) log.push(e as unknown as ManagedAgentsEvent);
      try {
        const imported = importManagedAgentsSession(session as unknown as ManagedAgentsSession, log, { tenantId, ...(opts.agent && { agentId: opts.agent.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 128) }) });
        summary.sessions++;
        events.push(...imported.events);
        origin.push(...imported.events.map(() => session.id));
      } catch (err) {
        summary.rejected.push({ sessionId: session.id, reason: (err as Error).message });
      }
    }
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError(`reading Managed Agents sessions failed: ${(err as Error).message}`);
  }
  summary.events = events.length;
  const client = createIngestClient({ transport: 'http', baseUrl: config.urls['session-ingest'], apiKey });
  const batchSize = Number(opts.batch ?? 500);
  try {
    for (let i = 0; i < events.length; i += batchSize) {
      const r: IngestResult = await client.sendBatch(events.slice(i, i + batchSize));
      summary.accepted += r.accepted;
      summary.duplicates += r.duplicates;
      summary.rejected.push(...r.rejected.map((x) => ({ sessionId: origin[i + x.index], reason: x.reason })));
    }
  } catch (err) {
    throw new CliError(`sending events to session-ingest at ${config.urls['session-ingest']} failed: ${(err as Error).message}`);
  } finally {
    await client.close?.();
  }
  out.result(summary, () => [
    `Managed Agents: ${summary.sessions} finished session(s)${summary.unfinished ? ` (${summary.unfinished} still running, left for later)` : ''}`,
    `  events    ${summary.events} (${summary.accepted} new, ${summary.duplicates} already ingested)`,
    `  rejected  ${summary.rejected.length}`,
    ...summary.rejected.slice(0, 20).map((r) => `    ${r.sessionId}: ${r.reason}`),
  ].join('\n'));
  return 0;
}
