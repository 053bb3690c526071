import { benjaminiHochberg, fisherExact, fisherGreater, logFactorial } from './fisher.stats';
import { confidenceOf, saturation, wilsonLower } from './confidence.score';

describe('fisherExact', () => {
  it("matches R's fisher.test on the lady tasting tea table", () => {
    const r = fisherExact(3, 1, 1, 3);
    expect(r.greater).toBeCloseTo(0.2428571, 6);
    expect(r.twoSided).toBeCloseTo(0.4857143, 6);
  });

  it("matches R's fisher.test on [[1, 9], [11, 3]]", () => {
    const r = fisherExact(1, 9, 11, 3);
    expect(r.twoSided).toBeCloseTo(0.002759456, 8);
    expect(r.less).toBeCloseTo(0.001379728, 8);
    expect(r.greater).toBeCloseTo(0.9999663, 6);
  });

  it('stays finite on tables of 50k sessions', () => {
    const r = fisherExact(3000, 500, 11000, 35500);
    expect(r.greater).toBeGreaterThanOrEqual(0);
    expect(r.greater).toBeLessThan(1e-100);
    expect(Number.isFinite(r.less)).toBe(true);
    expect(r.less).toBeCloseTo(1, 9);
  });

  it('rejects cells that are not counts', () => {
    expect(() => fisherExact(-1, 0, 0, 0)).toThrow('cell a must be a non-negative integer');
    expect(() => fisherExact(1, 0.5, 0, 0)).toThrow('cell b');
    expect(() => logFactorial(-2)).toThrow('non-negative integer');
  });

  it('computes log factorials', () => {
    expect(logFactorial(0)).toBe(0);
    expect(Math.exp(logFactorial(10))).toBeCloseTo(3628800, 3);
  });
});

describe('fisherGreater', () => {
  it.each([
    [3, 1, 1, 3], [1, 9, 11, 3], [9, 1, 8, 32], [0, 5, 5, 0], [5, 0, 0, 5], [12, 30, 40, 400], [3000, 500, 11000, 35500], [300, 700, 2500, 7500],
  ])('equals the full sum for %i %i %i %i', (a, b, c, d) => {
    const full = fisherExact(a, b, c, d).greater;
    const fast = fisherGreater(a, b, c, d);
    if (full < 1e-200) expect(fast).toBeLessThan(1e-200);
    else expect(fast).toBeCloseTo(full, 10);
  });
});

describe('benjaminiHochberg', () => {
  it('adjusts p-values in input order', () => {
    const adj = benjaminiHochberg([0.01, 0.04, 0.03, 0.005]);
    expect(adj.map((x) => Number(x.toFixed(6)))).toEqual([0.02, 0.04, 0.04, 0.02]);
  });
});

describe('confidence', () => {
  it('uses the Wilson lower bound and support saturation', () => {
    expect(wilsonLower(0, 0)).toBe(0);
    expect(wilsonLower(10, 10)).toBeCloseTo(0.7225, 3);
    expect(saturation(3, 3)).toBeCloseTo(0.5, 9);
    expect(saturation(6, 3)).toBeCloseTo(0.75, 9);
    const low = confidenceOf({ hits: 3, trials: 3, sessions: 3, minSessions: 3, users: 1, minUsers: 1 });
    const high = confidenceOf({ hits: 30, trials: 30, sessions: 30, minSessions: 3, users: 10, minUsers: 1 });
    expect(low).toBeLessThan(high);
    expect(high).toBeLessThanOrEqual(1);
  });
});
