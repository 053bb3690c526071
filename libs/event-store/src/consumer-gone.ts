import type { ConsumerMessages } from '@nats-io/jetstream';

/**
 * nats.js keeps a pull loop waiting when its durable consumer is deleted or its stream is gone
 * (it only reports a status): the loop would hang unnoticed. This ends it instead, with the
 * reason, so that the loop's end is seen (the supervisor restarts it, readiness reports it).
 */
export function endWhenConsumerGone(messages: ConsumerMessages, durable: string): { reason?: string } {
  const gone: { reason?: string } = {};
  void (async () => {
    for await (const s of messages.status()) {
      if (s.type === 'consumer_deleted' || s.type === 'consumer_not_found' || s.type === 'stream_not_found') {
        gone.reason = `durable consumer ${durable}: ${s.type.replace(/_/g, ' ')}`;
        await messages.close().catch(() => undefined);
        return;
      }
    }
  })().catch(() => undefined);
  return gone;
}
