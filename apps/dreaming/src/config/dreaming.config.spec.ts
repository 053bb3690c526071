import { DEFAULT_THRESHOLDS } from '@reverie/dreaming-domain';
import { ConfigError } from '@reverie/service-kit';
import { loadDreamingConfig } from './dreaming.config';

describe('loadDreamingConfig', () => {
  it('defaults: triggers off, default thresholds, port 4102', () => {
    const c = loadDreamingConfig({});
    expect(c.REVERIE_DREAM_EVERY_SESSIONS).toBe(0);
    expect(c.REVERIE_DREAM_INTERVAL_SECONDS).toBe(0);
    expect(c.REVERIE_DREAM_STALE_SECONDS).toBe(900);
    expect(c.PORT).toBe(4102);
    expect(c.thresholds).toEqual(DEFAULT_THRESHOLDS);
  });

  it('reads partial thresholds as JSON over the defaults', () => {
    const c = loadDreamingConfig({ REVERIE_DREAM_THRESHOLDS: '{"minSessions":5,"maxProposalsPerDream":2}' });
    expect(c.thresholds).toEqual({ ...DEFAULT_THRESHOLDS, minSessions: 5, maxProposalsPerDream: 2 });
  });

  it.each([
    [{ REVERIE_DREAM_EVERY_SESSIONS: '-1' }, 'REVERIE_DREAM_EVERY_SESSIONS'],
    [{ REVERIE_DREAM_INTERVAL_SECONDS: 'hourly' }, 'REVERIE_DREAM_INTERVAL_SECONDS'],
    [{ REVERIE_DREAM_THRESHOLDS: '{minSessions:3}' }, 'REVERIE_DREAM_THRESHOLDS'],
    [{ REVERIE_DREAM_THRESHOLDS: '{"minSession":3}' }, 'REVERIE_DREAM_THRESHOLDS'],
    [{ REVERIE_DREAM_THRESHOLDS: '{"minSessions":0}' }, 'REVERIE_DREAM_THRESHOLDS'],
    [{ ANTHROPIC_BASE_URL: 'not a url' }, 'ANTHROPIC_BASE_URL'],
    [{ REVERIE_LLM_TOKEN_BUDGET: 'lots' }, 'REVERIE_LLM_TOKEN_BUDGET'],
  ])('fails fast naming the variable: %j', (env, variable) => {
    let error: unknown;
    try {
      loadDreamingConfig(env);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.variable)).toContain(variable);
  });
});
