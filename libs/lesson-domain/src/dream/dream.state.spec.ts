import { evolveDream, evolveDreamAll, initialDreamState, isUnderway, type DreamState } from './dream.state';
import { completed, failed, requested, started, storedDream } from '../testing/dream.fixtures';

const fold = (...records: Parameters<typeof storedDream>[0][]) => evolveDreamAll(records.map((r) => storedDream(r)));

describe('dream evolve', () => {
  it('starts initial', () => expect(initialDreamState()).toEqual({ status: 'initial' }));

  it('follows requested → running → completed', () => {
    expect(fold(requested())).toEqual({ status: 'requested' });
    expect(fold(requested(), started())).toEqual({ status: 'running' });
    expect(fold(requested(), started(), completed())).toEqual({ status: 'completed' });
  });

  it('fails from requested or running', () => {
    expect(fold(requested(), failed())).toEqual({ status: 'failed' });
    expect(fold(requested(), started(), failed())).toEqual({ status: 'failed' });
  });

  it('ends a dream whose completion was recorded without a start (the run stopped before recording it)', () => {
    expect(fold(requested(), completed())).toEqual({ status: 'completed' });
  });

  it('ignores events that cannot apply to a dream never requested', () => {
    for (const e of [started(), completed(), failed()]) expect(evolveDream(initialDreamState(), storedDream(e))).toEqual({ status: 'initial' });
  });

  it('never moves a dream backwards, and the first ending stands: the state itself is returned', () => {
    const cases: Array<[DreamState, Parameters<typeof storedDream>[0]]> = [
      [fold(requested()), requested()],
      [fold(requested(), started()), requested()],
      [fold(requested(), started()), started()],
      [fold(requested(), started(), completed()), started()],
      [fold(requested(), started(), completed()), completed()],
      [fold(requested(), started(), completed()), failed()],
      [fold(requested(), started(), failed()), completed()],
      [fold(requested(), failed()), started()],
      [fold(requested(), failed()), failed()],
    ];
    for (const [state, event] of cases) expect(evolveDream(state, storedDream(event))).toBe(state);
  });

  it('knows which dreams are underway', () => {
    expect([initialDreamState(), fold(requested()), fold(requested(), started()), fold(requested(), started(), completed()), fold(requested(), failed())].map(isUnderway))
      .toEqual([false, true, true, false, false]);
  });
});
