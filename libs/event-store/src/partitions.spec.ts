import { fairShare, partitionName, partitionOf } from './partitions';

describe('partitions', () => {
  it('puts every event of one aggregate in one partition, the same in every process', () => {
    expect(partitionOf('acme', 'session-1', 4)).toBe(partitionOf('acme', 'session-1', 4));
    // Pinned values: a change of hash would move sessions between partitions of a running deployment.
    expect([partitionOf('acme', 'session-1', 4), partitionOf('acme', 'session-2', 4), partitionOf('globex', 'session-1', 4)]).toEqual([3, 2, 2]);
    expect(partitionOf('acme', 'anything', 1)).toBe(0);
  });

  it('spreads aggregates evenly', () => {
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 10_000; i++) counts[partitionOf('acme', `s-${i}`, 4)]++;
    for (const c of counts) expect(Math.abs(c - 2500)).toBeLessThan(200);
  });

  it('refuses a partition count that is not one', () => {
    expect(() => partitionOf('a', 'b', 0)).toThrow('a partition count is a whole number from 1, got 0');
    expect(() => partitionOf('a', 'b', 1.5)).toThrow('got 1.5');
  });

  it('gives each live replica its fair share of the partitions', () => {
    expect([fairShare(4, 1), fairShare(4, 2), fairShare(4, 3), fairShare(4, 8), fairShare(4, 0)]).toEqual([4, 2, 2, 1, 4]);
  });

  it('names one partition apart from the others, and a single one as the projection', () => {
    expect([partitionName('ingest.sessions', 0, 1), partitionName('ingest.sessions', 2, 4)]).toEqual(['ingest.sessions', 'ingest.sessions#p2']);
  });
});
