import type { JsMsg } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/transport-node';
import type { EventStore } from './event-store';

/** Copies a poison message to DEADLETTER (`dlq.<consumer>`), keeping where it came from and why. */
export async function deadletter(store: EventStore, consumer: string, m: JsMsg, reason: string): Promise<void> {
  const h = natsHeaders();
  h.set('Reverie-Original-Stream', m.info.stream);
  h.set('Reverie-Original-Subject', m.subject);
  h.set('Reverie-Original-Seq', String(m.seq));
  h.set('Reverie-Consumer', consumer);
  h.set('Reverie-Reason', reason.replace(/[\r\n]+/g, ' ').slice(0, 1000));
  h.set('Reverie-Deliveries', String(m.info.deliveryCount));
  await store.js.publish(store.topology.deadletterSubject(consumer), m.data, {
    msgID: `${m.info.stream}:${m.seq}:${consumer}`,
    headers: h,
  });
}

/** Poison: copy the message to DEADLETTER, then `term()` it so the server never redelivers it. */
export async function deadletterAndTerm(store: EventStore, consumer: string, m: JsMsg, reason: string): Promise<void> {
  await deadletter(store, consumer, m, reason);
  // No reason on the term: nats-server before 2.10 takes only a bare `+TERM` and ignores
  // `+TERM <reason>`, leaving the message pending (redelivered after each ack wait, the ack floor
  // stuck below it). The reason is in the DEADLETTER copy's headers.
  m.term();
}
