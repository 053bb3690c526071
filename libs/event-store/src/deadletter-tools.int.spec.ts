import { newId, sessionEventSchema, type SessionEvent } from '@reverie/contracts';
import { eventually, natsTestEnv, type NatsTestEnv } from '@reverie/testing';
import { runConsumer } from './consumer-runner';
import { DeadletterTools } from './deadletter-tools';
import { PoisonMessageError } from './errors';
import { EventStore } from './event-store';
import { jetstreamManager } from '@nats-io/jetstream';

const FLAKY = { stream: 'sessions' as const, app: 'test', purpose: 'flaky', ackWaitSeconds: 2, maxDeliver: 3 };
const STEADY = { stream: 'sessions' as const, app: 'test', purpose: 'steady', ackWaitSeconds: 2, maxDeliver: 3 };

const message = (text: string): SessionEvent => ({
  id: newId(), type: 'UserMessageRecorded', schemaVersion: 1, tenantId: 'acme', streamId: 's-1',
  occurredAt: new Date().toISOString(), recordedAt: new Date().toISOString(), actor: { kind: 'user', id: 'u1' }, correlationId: 'c', data: { seq: 1, text },
});

describe('DEADLETTER tooling (real NATS): list, show, redrive to the one consumer that failed', () => {
  let nats: NatsTestEnv;
  beforeAll(async () => { nats = await natsTestEnv({ consumers: [FLAKY, STEADY] }); });
  afterAll(async () => nats?.cleanup());

  it('redrives a message the flaky consumer gave up on, once its bug is fixed; the steady consumer does not see it twice', async () => {
    const store = new EventStore(nats.nc, nats.topology);
    let fixed = false;
    const flakySeen: string[] = [];
    const steadySeen: string[] = [];
    const flaky = await runConsumer({
      store, stream: 'sessions', durable: nats.topology.consumerName('test', 'flaky'), parser: sessionEventSchema,
      handle: async ({ event }) => {
        if (!fixed && event.type === 'UserMessageRecorded' && event.data.text === 'trips the bug') throw new PoisonMessageError('cannot handle this text (a bug)');
        flakySeen.push(event.id);
      },
    });
    const steady = await runConsumer({ store, stream: 'sessions', durable: nats.topology.consumerName('test', 'steady'), parser: sessionEventSchema, handle: async ({ event }) => { steadySeen.push(event.id); } });
    try {
      const ok = message('fine');
      const bad = message('trips the bug');
      await store.append('sessions', ok);
      await store.append('sessions', bad);
      const tools = await DeadletterTools.open(nats.nc, nats.topology);
      const listed = await eventually(async () => {
        const l = await tools.list();
        return l.entries.length === 1 ? l : undefined;
      }, { what: 'the message dead-lettered' });
      const flakyName = nats.topology.consumerName('test', 'flaky');
      expect(listed.entries[0]).toMatchObject({ consumer: flakyName, originalStream: nats.topology.streamName('sessions'), reason: 'cannot handle this text (a bug)' });
      expect((await tools.list({ consumer: 'someone-else' })).entries).toEqual([]);
      const shown = await tools.show(listed.entries[0].seq);
      expect(JSON.parse(shown.data).id).toBe(bad.id);

      fixed = true;
      const redriven = await tools.redrive(listed.entries[0].seq);
      expect(redriven).toMatchObject({ consumer: flakyName, subject: listed.entries[0].originalSubject });
      await eventually(() => flakySeen.includes(bad.id), { what: 'the redriven message handled by the flaky consumer' });
      expect(flakySeen).toEqual([ok.id, bad.id]);
      // The steady consumer handled both once, and acked the redriven copy without handling it again.
      await eventually(async () => (await (await jetstreamManager(nats.nc)).consumers.info(nats.topology.streamName('sessions'), nats.topology.consumerName('test', 'steady'))).num_ack_pending === 0 && (await (await jetstreamManager(nats.nc)).consumers.info(nats.topology.streamName('sessions'), nats.topology.consumerName('test', 'steady'))).num_pending === 0, { what: 'the steady consumer caught up' });
      expect(steadySeen).toEqual([ok.id, bad.id]);
      // DEADLETTER keeps it (an audit log), marked as redriven; it is no longer pending, and cannot be redriven twice.
      expect(await tools.list()).toMatchObject({ total: 1, pending: 0, entries: [] });
      expect((await tools.list({ all: true })).entries).toEqual([expect.objectContaining({ seq: listed.entries[0].seq, redriven: { at: expect.any(String), newSeq: redriven.newSeq } })]);
      await expect(tools.redrive(listed.entries[0].seq)).rejects.toThrow(/was redriven already/);
    } finally {
      await flaky.stop();
      await steady.stop();
    }
  });
});
