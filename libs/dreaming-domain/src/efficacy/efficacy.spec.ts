import { efficacyOf, wilsonInterval } from './efficacy';

describe('efficacyOf', () => {
  it('says a lesson helps when its pattern recurs less in the sessions served it', () => {
    const e = efficacyOf({ sessions: 360, recurred: 36, failed: 40 }, { sessions: 40, recurred: 16, failed: 6 });
    expect(e.verdict).toBe('helps');
    expect(e.effect).toBe(0.3);
    expect(e.interval[0]).toBeGreaterThan(0.14);
    expect(e.interval[1]).toBeLessThan(0.47);
    expect(e.pHelps).toBeLessThan(0.001);
  });

  it('says it harms when served sessions fail more, even if the pattern recurs less', () => {
    expect(efficacyOf({ sessions: 300, recurred: 20, failed: 150 }, { sessions: 60, recurred: 10, failed: 10 }).verdict).toBe('harms');
  });

  it('says no effect only once both arms have enough sessions; measuring before', () => {
    expect(efficacyOf({ sessions: 100, recurred: 40, failed: 10 }, { sessions: 12, recurred: 5, failed: 1 }).verdict).toBe('measuring');
    expect(efficacyOf({ sessions: 300, recurred: 120, failed: 30 }, { sessions: 40, recurred: 16, failed: 4 }).verdict).toBe('no-effect');
  });

  it('measures nothing without both arms, and refuses counts that are not counts', () => {
    expect(efficacyOf({ sessions: 50, recurred: 5, failed: 5 }, { sessions: 0, recurred: 0, failed: 0 })).toMatchObject({ verdict: 'measuring', pHelps: 1, pHarms: 1 });
    expect(() => efficacyOf({ sessions: 5, recurred: 6, failed: 0 }, { sessions: 5, recurred: 1, failed: 0 })).toThrow(/the served arm is not counts/);
  });

  it('Wilson interval: bounded, and narrows with more sessions', () => {
    const [lo, hi] = wilsonInterval(0, 10);
    expect(lo).toBe(0);
    expect(hi).toBeGreaterThan(0.25);
    const narrow = wilsonInterval(100, 1000);
    expect(narrow[1] - narrow[0]).toBeLessThan(0.04);
  });
});
