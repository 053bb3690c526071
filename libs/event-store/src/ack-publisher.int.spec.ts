import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import { natsTestEnv, TEST_NATS_URL, type NatsTestEnv } from '@reverie/testing';
import { AckPublisher, PublishError } from './ack-publisher';
import { isWrongLastSequence } from './errors';

let nats: NatsTestEnv;
beforeEach(async () => { nats = await natsTestEnv(); });
afterEach(async () => nats.cleanup());

const withId = (id: string) => {
  const h = headers();
  h.set('Nats-Msg-Id', id);
  return h;
};
const data = new TextEncoder().encode('{"x":1}');

describe('AckPublisher (real JetStream)', () => {
  it('returns each publish its own acknowledgement, in any completion order, and flags a duplicate id', async () => {
    const publisher = new AckPublisher(nats.nc);
    const subject = nats.topology.subject('sessions', 'acme', 's1');
    const acks = await Promise.all(Array.from({ length: 300 }, (_, i) => publisher.publish(subject, data, withId(`m${i}`))));
    expect(acks.map((a) => a.seq)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    expect(acks.every((a) => a.stream === nats.topology.streamName('sessions') && !a.duplicate)).toBe(true);
    const again = await publisher.publish(subject, data, withId('m7'));
    expect(again).toEqual({ stream: nats.topology.streamName('sessions'), seq: 8, duplicate: true });
    expect(publisher.inFlight).toBe(0);
  });

  it('rejects with JetStream\'s own error code when an expected sequence does not hold', async () => {
    const publisher = new AckPublisher(nats.nc);
    const subject = nats.topology.subject('sessions', 'acme', 's2');
    await publisher.publish(subject, data, withId('a'));
    const h = withId('b');
    h.set('Nats-Expected-Last-Subject-Sequence', '0');
    const err = await publisher.publish(subject, data, h).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PublishError);
    expect(isWrongLastSequence(err)).toBe(true);
  });

  it('rejects a publish no stream listens to, naming the subject', async () => {
    const publisher = new AckPublisher(nats.nc);
    await expect(publisher.publish(`${nats.topology.namespace}.nowhere.x`, data, withId('n'))).rejects.toThrow(/no stream accepts messages on .*nowhere\.x/);
  });

  it('times out an acknowledgement that never comes', async () => {
    // A plain subscriber takes the message and never answers.
    const subject = `${nats.topology.namespace}.silent`;
    const sub = nats.nc.subscribe(subject);
    const publisher = new AckPublisher(nats.nc, 200);
    await expect(publisher.publish(subject, data, withId('s'))).rejects.toThrow(/did not acknowledge .* within 200 ms/);
    expect(publisher.inFlight).toBe(0);
    sub.unsubscribe();
  });

  it('rejects what is still awaited when its connection closes', async () => {
    const nc: NatsConnection = await connect({ servers: TEST_NATS_URL });
    const subject = `${nats.topology.namespace}.silent2`;
    const sub = nats.nc.subscribe(subject);
    await nats.nc.flush();
    const publisher = new AckPublisher(nc);
    const pending = publisher.publish(subject, data, withId('c'));
    await nc.flush();
    await nc.close();
    await expect(pending).rejects.toThrow(/connection closed/);
    sub.unsubscribe();
  });
});
