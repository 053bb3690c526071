import { AckPolicy, DeliverPolicy, type ConsumerConfig } from '@nats-io/jetstream';
import { mustRecreate, rewoundConfig } from './consumer-rewind';

const config: ConsumerConfig = {
  durable_name: 'svc--projection', ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All, filter_subject: 'sessions.>',
  ack_wait: 30e9, max_deliver: 20, max_ack_pending: 5000,
} as ConsumerConfig;
const floor = (stream_seq: number) => ({ stream_seq, consumer_seq: stream_seq });

describe('rewoundConfig', () => {
  it('leaves a durable alone when nothing it delivered is unacknowledged', () => {
    expect(rewoundConfig({ config, ack_floor: floor(40), num_ack_pending: 0 })).toBeUndefined();
  });

  it('starts the durable again at its first unacknowledged message, with the rest of its configuration unchanged', () => {
    expect(rewoundConfig({ config, ack_floor: floor(40), num_ack_pending: 7 })).toEqual({
      from: 41,
      config: { ...config, deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: 41 },
    });
  });

  it('rewinds a durable that was rewound before (its own start sequence replaced, a start time dropped)', () => {
    const earlier = { ...config, deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: 41, opt_start_time: '2026-12-01T00:00:00Z' } as ConsumerConfig;
    const rewound = rewoundConfig({ config: earlier, ack_floor: floor(90), num_ack_pending: 1 });
    expect(rewound?.config).toEqual({ ...config, deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: 91 });
    expect(rewound?.config).not.toHaveProperty('opt_start_time');
  });

  it('rewinds to the stream start when nothing was ever acknowledged', () => {
    expect(rewoundConfig({ config, ack_floor: floor(0), num_ack_pending: 3 })?.from).toBe(1);
  });
});

describe('mustRecreate (finishing a rewind that was cut short)', () => {
  it('recreates a durable that is missing: the process died between the delete and the create', () => {
    expect(mustRecreate(undefined, { from: 41 })).toBe(true);
  });

  it('recreates one created from the start of the stream meanwhile (its ack floor is below the rewind)', () => {
    expect(mustRecreate({ ack_floor: floor(0) }, { from: 41 })).toBe(true);
  });

  it('keeps one that was never deleted, or was already created at the rewind', () => {
    expect(mustRecreate({ ack_floor: floor(40) }, { from: 41 })).toBe(false);
    expect(mustRecreate({ ack_floor: floor(55) }, { from: 41 })).toBe(false);
  });
});
