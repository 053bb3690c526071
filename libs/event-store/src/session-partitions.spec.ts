import { consumersWith, consumerSpecsOf, CONSUMERS, sessionPartitionsFromEnv, StreamSettingsError } from './provisioning';

describe('the sessions projection in partitions (REVERIE_SESSION_PARTITIONS)', () => {
  it('reads the partition count: unset or empty is 1, else 1 to 64', () => {
    expect([sessionPartitionsFromEnv({}), sessionPartitionsFromEnv({ REVERIE_SESSION_PARTITIONS: ' ' }), sessionPartitionsFromEnv({ REVERIE_SESSION_PARTITIONS: '4' })]).toEqual([1, 1, 4]);
    for (const bad of ['0', '65', '2.5', 'four', '-1']) {
      expect(() => sessionPartitionsFromEnv({ REVERIE_SESSION_PARTITIONS: bad })).toThrow(StreamSettingsError);
    }
    expect(() => sessionPartitionsFromEnv({ REVERIE_SESSION_PARTITIONS: '0' })).toThrow('REVERIE_SESSION_PARTITIONS: expected a whole number from 1 to 64, got "0"');
  });

  it('keeps the one durable with one partition, and splits only the sessions projection with more', () => {
    expect(consumersWith(1)).toEqual(CONSUMERS);
    const split = consumersWith(3);
    expect(split.filter((c) => c.app === 'session-ingest').map((c) => [c.purpose, c.ackWaitSeconds])).toEqual([
      ['sessions-projection-p0', 10], ['sessions-projection-p1', 10], ['sessions-projection-p2', 10],
    ]);
    expect(split.filter((c) => c.app !== 'session-ingest')).toEqual(CONSUMERS.filter((c) => c.app !== 'session-ingest'));
    expect(consumerSpecsOf('session-ingest', 3)).toHaveLength(3);
    expect(consumerSpecsOf('dreaming', 3)).toEqual(consumerSpecsOf('dreaming'));
  });
});
