import { DiscardPolicy } from '@nats-io/jetstream';
import { STREAM_KEYS, topology } from '@reverie/contracts';
import { DEFAULT_RETENTION, formatBytes, retentionFromEnv, RetentionSettingsError, streamConfig } from './provisioning';

const MiB = 1024 * 1024;
const DAY_NS = 86_400 * 1_000_000_000;

function problemsOf(env: Record<string, string>): { variable: string; message: string }[] {
  try {
    retentionFromEnv(env);
  } catch (err) {
    expect(err).toBeInstanceOf(RetentionSettingsError);
    return (err as RetentionSettingsError).problems;
  }
  throw new Error('expected a RetentionSettingsError');
}

describe('retentionFromEnv', () => {
  it('keeps the defaults for unset or empty variables', () => {
    expect(retentionFromEnv({})).toEqual(DEFAULT_RETENTION);
    expect(retentionFromEnv({ REVERIE_SERVING_MAX_AGE_DAYS: '', REVERIE_DEADLETTER_MAX_BYTES: ' ' })).toEqual(DEFAULT_RETENTION);
    expect(DEFAULT_RETENTION).toEqual({ serving: { maxAgeDays: 30, maxBytes: 1024 * MiB }, deadletter: { maxAgeDays: 30, maxBytes: 256 * MiB } });
  });

  it('reads days and sizes in bytes or binary units', () => {
    expect(retentionFromEnv({
      REVERIE_SERVING_MAX_AGE_DAYS: '7', REVERIE_SERVING_MAX_BYTES: '2GiB',
      REVERIE_DEADLETTER_MAX_AGE_DAYS: '90', REVERIE_DEADLETTER_MAX_BYTES: '134217728',
    })).toEqual({ serving: { maxAgeDays: 7, maxBytes: 2048 * MiB }, deadletter: { maxAgeDays: 90, maxBytes: 128 * MiB } });
    expect(retentionFromEnv({ REVERIE_SERVING_MAX_BYTES: '512 mib' }).serving.maxBytes).toBe(512 * MiB);
    expect(retentionFromEnv({ REVERIE_SERVING_MAX_BYTES: '1T' }).serving.maxBytes).toBe(1024 * 1024 * MiB);
  });

  it('names every bad variable with what it expected and what it got', () => {
    const problems = problemsOf({
      REVERIE_SERVING_MAX_AGE_DAYS: '0', REVERIE_SERVING_MAX_BYTES: '10 parsecs',
      REVERIE_DEADLETTER_MAX_AGE_DAYS: '1.5', REVERIE_DEADLETTER_MAX_BYTES: '1000',
    });
    expect(problems.map((p) => p.variable)).toEqual(['REVERIE_SERVING_MAX_AGE_DAYS', 'REVERIE_SERVING_MAX_BYTES', 'REVERIE_DEADLETTER_MAX_AGE_DAYS', 'REVERIE_DEADLETTER_MAX_BYTES']);
    expect(problems[0].message).toBe('expected a whole number of days from 1 to 3650, got "0"');
    expect(problems[1].message).toMatch(/expected a size in bytes.*got "10 parsecs"/);
    expect(problems[2].message).toMatch(/whole number of days.*got "1.5"/);
    expect(problems[3].message).toBe('expected at least 1 MiB (the largest message a stream accepts), got "1000"');
    expect(problemsOf({ REVERIE_SERVING_MAX_AGE_DAYS: '-3' })[0].variable).toBe('REVERIE_SERVING_MAX_AGE_DAYS');
    expect(problemsOf({ REVERIE_DEADLETTER_MAX_BYTES: '99999999999999999999' })[0].variable).toBe('REVERIE_DEADLETTER_MAX_BYTES');
    expect(() => retentionFromEnv({ REVERIE_SERVING_MAX_AGE_DAYS: 'x' })).toThrow(/^REVERIE_SERVING_MAX_AGE_DAYS: /);
  });
});

describe('streamConfig retention', () => {
  const t = topology('ns');
  it('limits SERVING and DEADLETTER by age and size (oldest dropped) and leaves the source-of-truth streams unlimited', () => {
    const retention = { serving: { maxAgeDays: 3, maxBytes: 5 * MiB }, deadletter: { maxAgeDays: 9, maxBytes: 7 * MiB } };
    const configs = Object.fromEntries(STREAM_KEYS.map((k) => [k, streamConfig(t, k, undefined, retention)]));
    expect(configs.serving).toMatchObject({ max_age: 3 * DAY_NS, max_bytes: 5 * MiB, discard: DiscardPolicy.Old });
    expect(configs.deadletter).toMatchObject({ max_age: 9 * DAY_NS, max_bytes: 7 * MiB, discard: DiscardPolicy.Old });
    for (const k of ['sessions', 'dreams', 'lessons']) expect(configs[k]).toMatchObject({ max_age: 0, max_bytes: -1 });
  });

  it('formats sizes for people', () => {
    expect([formatBytes(1024 * MiB), formatBytes(256 * MiB), formatBytes(1536), formatBytes(1000)]).toEqual(['1 GiB', '256 MiB', '1536 bytes', '1000 bytes']);
  });
});
