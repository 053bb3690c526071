import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { z } from 'zod';
import type { Logger } from '../logging/logger';

const decoder = new TextDecoder();

/**
 * Answers a request/reply command on `<prefix>.<tenant>`: the tenant is the subject's last token
 * (the NATS permissions decide who may send there), the payload is checked against `schema`
 * (`{ ok: false, error }` names what is wrong), and one replica of `queue` answers each request.
 * `close()` stops taking requests and waits for the ones taken.
 */
export function respondToCommand<S extends z.ZodType, R extends { ok: boolean }>(
  nc: NatsConnection,
  options: { prefix: string; queue: string; schema: S; logger: Logger; handle: (tenantId: string, payload: z.infer<S>) => Promise<R> },
): { close(): Promise<void> } {
  const inFlight = new Set<Promise<void>>();
  const answer = async (tenantId: string, data: Uint8Array): Promise<R | { ok: false; error: string }> => {
    let payload: unknown;
    try {
      payload = JSON.parse(decoder.decode(data));
    } catch {
      return { ok: false, error: `the request on ${options.prefix} must be JSON` };
    }
    const parsed = options.schema.safeParse(payload);
    if (!parsed.success) return { ok: false, error: parsed.error.issues.map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`).join('; ') };
    try {
      return await options.handle(tenantId, parsed.data);
    } catch (err) {
      options.logger.error({ tenantId, subject: options.prefix, err }, 'command failed');
      return { ok: false, error: (err as Error).message };
    }
  };
  const sub: Subscription = nc.subscribe(`${options.prefix}.*`, {
    queue: options.queue,
    callback: (err, msg) => {
      if (err) {
        options.logger.warn({ err: err.message, subject: options.prefix }, 'command subscription error');
        return;
      }
      const work = answer(msg.subject.slice(options.prefix.length + 1), msg.data).then((reply) => {
        if (msg.reply) msg.respond(JSON.stringify(reply));
      });
      inFlight.add(work);
      void work.finally(() => inFlight.delete(work));
    },
  });
  return {
    async close() {
      await sub.drain().catch(() => undefined);
      await Promise.allSettled([...inFlight]);
    },
  };
}
