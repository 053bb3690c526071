import { DEFAULT_STREAM_SETTINGS } from '@reverie/event-store';
import { CliError } from '../errors';
import { setupStreamSettings } from './setup.command';

describe('reverie setup: stream replicas', () => {
  it('reads REVERIE_STREAM_REPLICAS, one replica when unset', () => {
    expect(setupStreamSettings({})).toEqual(DEFAULT_STREAM_SETTINGS);
    expect(setupStreamSettings({ REVERIE_STREAM_REPLICAS: '3' }).replicas).toBe(3);
  });

  it('fails before connecting anywhere on a bad value', () => {
    expect(() => setupStreamSettings({ REVERIE_STREAM_REPLICAS: '7' })).toThrow(CliError);
    expect(() => setupStreamSettings({ REVERIE_STREAM_REPLICAS: '7' })).toThrow(/^invalid stream settings: REVERIE_STREAM_REPLICAS: expected a whole number from 1 to 5, got "7"$/);
  });
});
