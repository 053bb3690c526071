import { DeliverPolicy, type JetStreamClient, type JsMsg } from '@nats-io/jetstream';

/**
 * Every message on `filterSubject` from `fromSeq` to the stream's end at the time of the call,
 * through an ordered consumer (no acks, recreated by the client on a gap). Ends at once when
 * there is nothing to read.
 */
export async function* readToEnd(js: JetStreamClient, stream: string, filterSubject: string, options: { fromSeq?: number; fromTime?: Date; maxMessages?: number } = {}): AsyncGenerator<JsMsg> {
  const fromSeq = options.fromSeq ?? 1;
  const consumer = await js.consumers.get(stream, {
    filter_subjects: filterSubject,
    ...(options.fromTime ? { deliver_policy: DeliverPolicy.StartTime, opt_start_time: options.fromTime.toISOString() }
      : fromSeq > 1 ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: fromSeq } : {}),
  });
  if ((await consumer.info()).num_pending === 0) return;
  const messages = await consumer.consume({ max_messages: options.maxMessages ?? 500 });
  try {
    for await (const m of messages) {
      yield m;
      if (m.info.pending === 0) break;
    }
  } finally {
    await messages.close();
  }
}
