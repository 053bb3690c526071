import type { NatsConnection, Subscription } from '@nats-io/nats-core';
import { z } from 'zod';
import type { Topology } from '@reverie/contracts';
import type { RebuildProgress } from '@reverie/event-store';
import type { SupervisorLogger } from './managed-consumers';
import type { ProjectionRunners } from './projection-runners';

const rebuildRequest = z.strictObject({
  projection: z.string().min(1),
  mode: z.enum(['swap', 'compare']),
  /** Where progress goes: a `projections.progress.<id>` subject of this namespace, nothing else. */
  progressId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional(),
});

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

/**
 * Answers the operator's projection commands for one service (`reverie rebuild`): list its
 * projections, rebuild one. The NATS permissions decide who may send them (the operator's user);
 * one replica answers each (queue group). Progress is published at most every 250 ms.
 */
export function answerProjectionCommands(nc: NatsConnection, t: Topology, service: string, runners: ProjectionRunners, logger?: SupervisorLogger): { close(): Promise<void> } {
  const inFlight = new Set<Promise<unknown>>();
  const track = <T>(work: Promise<T>) => {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
    return work;
  };
  const list: Subscription = nc.subscribe(t.command('projections.list', service), {
    queue: service,
    callback: (err, msg) => {
      if (err) return;
      void track(runners.list().then((projections) => ({ ok: true, projections }), (e: Error) => ({ ok: false, error: e.message })).then((r) => msg.respond(json(r))));
    },
  });
  const rebuild: Subscription = nc.subscribe(t.command('projections.rebuild', service), {
    queue: service,
    callback: (err, msg) => {
      if (err) return;
      void track((async () => {
        let request: z.infer<typeof rebuildRequest>;
        try {
          request = rebuildRequest.parse(JSON.parse(new TextDecoder().decode(msg.data)));
        } catch (e) {
          msg.respond(json({ ok: false, error: `a rebuild request is { projection, mode: swap|compare, progressId? }: ${(e as Error).message}` }));
          return;
        }
        let last = 0;
        const progress = (p: RebuildProgress) => {
          if (!request.progressId || (Date.now() - last < 250 && p.phase !== 'done')) return;
          last = Date.now();
          nc.publish(t.command('projections.progress', request.progressId), json(p));
        };
        logger?.info({ projection: request.projection, mode: request.mode }, 'projection rebuild started');
        try {
          const report = await runners.rebuild(request.projection, request.mode, progress);
          logger?.info({ projection: report.projection, mode: report.mode, equal: report.equal, swapped: report.swapped, events: report.events, seconds: report.seconds }, 'projection rebuild done');
          msg.respond(json({ ok: true, report }));
        } catch (e) {
          logger?.error({ projection: request.projection, error: (e as Error).message }, 'projection rebuild failed');
          msg.respond(json({ ok: false, error: (e as Error).message }));
        }
      })());
    },
  });
  return {
    async close() {
      await Promise.all([list.drain(), rebuild.drain()].map((p) => p.catch(() => undefined)));
      await Promise.allSettled([...inFlight]);
    },
  };
}
