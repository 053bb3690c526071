import { STREAM_KEYS, topology } from '@reverie/contracts';
import { DEFAULT_STREAM_SETTINGS, streamConfig, streamSettingsFromEnv, StreamSettingsError } from './provisioning';

describe('streamSettingsFromEnv: REVERIE_STREAM_REPLICAS', () => {
  it('keeps one replica when unset or empty', () => {
    expect(streamSettingsFromEnv({})).toEqual(DEFAULT_STREAM_SETTINGS);
    expect(streamSettingsFromEnv({ REVERIE_STREAM_REPLICAS: ' ' }).replicas).toBe(1);
  });

  it('replicates every stream as asked (a cluster of three: 3)', () => {
    const settings = streamSettingsFromEnv({ REVERIE_STREAM_REPLICAS: '3' });
    expect(settings).toEqual({ ...DEFAULT_STREAM_SETTINGS, replicas: 3 });
    for (const key of STREAM_KEYS) expect(streamConfig(topology(''), key, settings).num_replicas).toBe(3);
  });

  it.each(['0', '6', '2.5', 'three', '-1'])('refuses %j, naming the variable', (value) => {
    expect(() => streamSettingsFromEnv({ REVERIE_STREAM_REPLICAS: value })).toThrow(StreamSettingsError);
    expect(() => streamSettingsFromEnv({ REVERIE_STREAM_REPLICAS: value })).toThrow(`REVERIE_STREAM_REPLICAS: expected a whole number from 1 to 5, got "${value}"`);
  });
});
