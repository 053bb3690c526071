import { DiscardPolicy, jetstreamManager, type StreamInfo } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { STREAM_KEYS, topology, type StreamKey, type Topology } from '@reverie/contracts';
import { TEST_NATS_URL, uniqueNamespace } from '@reverie/testing';
import { deleteStreams, provisionStreams, type RetentionSettings } from './provisioning';

const MiB = 1024 * 1024;
const DAY_NS = 86_400 * 1_000_000_000;

let nc: NatsConnection;
let t: Topology;

beforeEach(async () => {
  nc = await connect({ servers: TEST_NATS_URL, noAsyncTraces: true });
  t = topology(uniqueNamespace('prov'));
});
afterEach(async () => {
  await deleteStreams(nc, t);
  await nc.drain();
});

async function infos(): Promise<Record<StreamKey, StreamInfo>> {
  const jsm = await jetstreamManager(nc);
  return Object.fromEntries(await Promise.all(STREAM_KEYS.map(async (k) => [k, await jsm.streams.info(t.streamName(k))]))) as Record<StreamKey, StreamInfo>;
}

function expectSourceOfTruthUnlimited(streams: Record<StreamKey, StreamInfo>): void {
  for (const key of ['sessions', 'dreams', 'lessons'] as const) {
    expect({ key, max_age: streams[key].config.max_age, max_bytes: streams[key].config.max_bytes, max_msgs: streams[key].config.max_msgs })
      .toEqual({ key, max_age: 0, max_bytes: -1, max_msgs: -1 });
  }
}

describe('stream retention', () => {
  it('gives SERVING and DEADLETTER the configured max age and size, discarding the oldest, and updates them when re-provisioned', async () => {
    const first: RetentionSettings = { serving: { maxAgeDays: 7, maxBytes: 8 * MiB }, deadletter: { maxAgeDays: 14, maxBytes: 4 * MiB } };
    const created = await provisionStreams(nc, t, { consumers: [], retention: first });
    expect(created.streams.map((s) => s.action)).toEqual(STREAM_KEYS.map(() => 'created'));
    expect(created.streams.find((s) => s.name === t.streamName('serving'))?.limits).toEqual(first.serving);

    let streams = await infos();
    expect(streams.serving.config).toMatchObject({ max_age: 7 * DAY_NS, max_bytes: 8 * MiB, discard: DiscardPolicy.Old });
    expect(streams.deadletter.config).toMatchObject({ max_age: 14 * DAY_NS, max_bytes: 4 * MiB, discard: DiscardPolicy.Old });
    expectSourceOfTruthUnlimited(streams);

    const again = await provisionStreams(nc, t, { consumers: [], retention: first });
    expect(again.streams.map((s) => s.action)).toEqual(STREAM_KEYS.map(() => 'unchanged'));

    const second: RetentionSettings = { serving: { maxAgeDays: 2, maxBytes: 16 * MiB }, deadletter: { maxAgeDays: 60, maxBytes: 2 * MiB } };
    const updated = await provisionStreams(nc, t, { consumers: [], retention: second });
    expect(Object.fromEntries(updated.streams.map((s) => [s.name, s.action]))).toEqual({
      [t.streamName('sessions')]: 'unchanged', [t.streamName('dreams')]: 'unchanged', [t.streamName('lessons')]: 'unchanged',
      [t.streamName('serving')]: 'updated', [t.streamName('deadletter')]: 'updated',
    });
    streams = await infos();
    expect(streams.serving.config).toMatchObject({ max_age: 2 * DAY_NS, max_bytes: 16 * MiB, discard: DiscardPolicy.Old });
    expect(streams.deadletter.config).toMatchObject({ max_age: 60 * DAY_NS, max_bytes: 2 * MiB, discard: DiscardPolicy.Old });
    expectSourceOfTruthUnlimited(streams);
  });

  it('applies the defaults (30 days) when no retention is given, and removes an age limit added by hand to a source-of-truth stream', async () => {
    await provisionStreams(nc, t, { consumers: [] });
    let streams = await infos();
    expect(streams.serving.config).toMatchObject({ max_age: 30 * DAY_NS, max_bytes: 1024 * MiB, discard: DiscardPolicy.Old });
    expect(streams.deadletter.config).toMatchObject({ max_age: 30 * DAY_NS, max_bytes: 256 * MiB, discard: DiscardPolicy.Old });
    expectSourceOfTruthUnlimited(streams);

    const jsm = await jetstreamManager(nc);
    await jsm.streams.update(t.streamName('sessions'), { max_age: 3 * DAY_NS });
    const report = await provisionStreams(nc, t, { consumers: [] });
    expect(report.streams.find((s) => s.name === t.streamName('sessions'))?.action).toBe('updated');
    streams = await infos();
    expectSourceOfTruthUnlimited(streams);
  });

  it('names the variable when the server cannot reserve the size asked for', async () => {
    const huge: RetentionSettings = { serving: { maxAgeDays: 30, maxBytes: 8 * MiB }, deadletter: { maxAgeDays: 30, maxBytes: 1024 * 1024 * 1024 * MiB } };
    await expect(provisionStreams(nc, t, { consumers: [], retention: huge })).rejects.toThrow(/JetStream cannot reserve 1024 TiB for stream .*DEADLETTER \(REVERIE_DEADLETTER_MAX_BYTES\)/);
  });
});
