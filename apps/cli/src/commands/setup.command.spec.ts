import { DEFAULT_RETENTION } from '@reverie/event-store';
import { CliError } from '../errors';
import { setupRetention } from './setup.command';

describe('reverie setup: retention settings', () => {
  it('reads the four variables, with the defaults for unset ones', () => {
    expect(setupRetention({})).toEqual(DEFAULT_RETENTION);
    expect(setupRetention({ REVERIE_SERVING_MAX_AGE_DAYS: '10', REVERIE_DEADLETTER_MAX_BYTES: '64MiB' })).toEqual({
      serving: { ...DEFAULT_RETENTION.serving, maxAgeDays: 10 },
      deadletter: { ...DEFAULT_RETENTION.deadletter, maxBytes: 64 * 1024 * 1024 },
    });
  });

  it('fails before connecting anywhere, naming each bad variable', () => {
    let err: unknown;
    try {
      setupRetention({ REVERIE_SERVING_MAX_BYTES: 'lots', REVERIE_DEADLETTER_MAX_AGE_DAYS: '0' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CliError);
    expect((err as Error).message).toMatch(/^invalid retention: REVERIE_SERVING_MAX_BYTES: expected a size in bytes.*got "lots"; REVERIE_DEADLETTER_MAX_AGE_DAYS: expected a whole number of days/);
  });
});
