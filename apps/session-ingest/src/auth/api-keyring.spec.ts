import { ApiKeyring } from './api-keyring';
import { presentedApiKey } from './api-key';
import { loadIngestConfig } from '../config/ingest.config';
import { ConfigError } from '@reverie/service-kit';

const KEY_A = 'a'.repeat(16) + '-alpha';
const KEY_B = 'b'.repeat(20);

describe('ApiKeyring', () => {
  it('maps each key to its tenant and knows no other key', () => {
    const ring = ApiKeyring.parse(`${KEY_A}:acme, ${KEY_B}:globex`);
    expect(ring.tenantOf(KEY_A)).toBe('acme');
    expect(ring.tenantOf(KEY_B)).toBe('globex');
    expect(ring.tenantOf(KEY_A.slice(0, -1))).toBeUndefined();
    expect(ring.tenantOf('')).toBeUndefined();
    expect(ring.tenantOf(undefined)).toBeUndefined();
  });

  it('keeps no key in what it shows', () => {
    const ring = ApiKeyring.parse(`${KEY_A}:acme`);
    const shown = JSON.stringify({ ring }) + String(ring);
    expect(shown).not.toContain(KEY_A);
    expect(JSON.parse(JSON.stringify(ring))).toEqual({ keys: 1, tenants: ['acme'] });
  });

  it('names each bad entry by position without echoing its key', () => {
    expect(() => ApiKeyring.parse('short:acme')).toThrow(/entry 1 of 1: the key must be at least 16 characters/);
    expect(() => ApiKeyring.parse(`${KEY_A}:bad.tenant`)).toThrow(/tenant "bad.tenant" must be/);
    expect(() => ApiKeyring.parse(`${KEY_A}:acme,${KEY_A}:globex`)).toThrow(/entry 2 of 2: the same key is listed twice/);
    expect(() => ApiKeyring.parse(`${KEY_A}`)).toThrow(/expected <key>:<tenant>/);
    try {
      ApiKeyring.parse(`${KEY_B}:bad tenant`);
    } catch (e) {
      expect((e as Error).message).not.toContain(KEY_B);
    }
  });
});

describe('presentedApiKey', () => {
  it('reads x-api-key, else a Bearer token', () => {
    expect(presentedApiKey({ 'x-api-key': 'k1' })).toBe('k1');
    expect(presentedApiKey({ authorization: 'Bearer k2' })).toBe('k2');
    expect(presentedApiKey({ authorization: 'Basic abc' })).toBeUndefined();
    expect(presentedApiKey({})).toBeUndefined();
  });
});

describe('session-ingest configuration', () => {
  it('fails fast naming REVERIE_API_KEYS and REVERIE_REDACTION_RULES, hiding the keys', () => {
    let err: unknown;
    try {
      loadIngestConfig({ REVERIE_API_KEYS: 'tooshortkey:acme', REVERIE_REDACTION_RULES: '{"acme":{"disabled":["nope"]}}', INGEST_MAX_DEPTH: '0' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const message = (err as Error).message;
    expect(message).toMatch(/REVERIE_API_KEYS: .*at least 16 characters/);
    expect(message).toMatch(/REVERIE_REDACTION_RULES: .*unknown redaction kind "nope"/);
    expect(message).toMatch(/INGEST_MAX_DEPTH/);
    expect(message).not.toContain('tooshortkey');
    expect(() => loadIngestConfig({})).toThrow(/REVERIE_API_KEYS: .*\(not set\)/);
  });

  it('applies the defaults of the limits', () => {
    const c = loadIngestConfig({ REVERIE_API_KEYS: `${KEY_A}:acme` });
    expect(c).toMatchObject({ INGEST_MAX_BODY_BYTES: 8 * 1024 * 1024, INGEST_MAX_BATCH_EVENTS: 1000, INGEST_MAX_EVENT_BYTES: 256 * 1024, INGEST_MAX_DEPTH: 32, INGEST_PUBLISH_MAX_IN_FLIGHT: 1000, REVERIE_REDACTION_RULES: {}, PORT: 4101 });
  });
});
