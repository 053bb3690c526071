import { Authenticator, AuthError, ConfigError, EnvKeyVerifier } from '@reverie/service-kit';
import { createHmac } from 'node:crypto';
import { loadIngestConfig } from './ingest.config';
import { DEVELOPMENT_PSEUDONYM_KEY, pseudonymKeys, tenantPseudonymKeys } from './pseudonym-keys';

const KEY_A = 'a'.repeat(16) + '-alpha';
const KEY_B = 'b'.repeat(20);
const status = async (p: Promise<unknown>) => p.then(() => 200, (e: unknown) => (e instanceof AuthError ? e.getStatus() : 500));

/** What session-ingest relies on in the shared operator keys (REVERIE_API_KEYS). */
describe('operator keys as session-ingest reads them', () => {
  it('maps each key to its tenant, as an ingest key when no role is given, and knows no other key', async () => {
    const auth = new Authenticator([EnvKeyVerifier.parse(`${KEY_A}:acme, ${KEY_B}:globex:reviewer+admin`)]);
    expect(await auth.authenticate({ 'x-api-key': KEY_A })).toMatchObject({ tenantId: 'acme', roles: new Set(['ingest']) });
    expect(await auth.authenticate({ authorization: `Bearer ${KEY_B}` })).toMatchObject({ tenantId: 'globex', roles: new Set(['reviewer', 'admin']) });
    expect(await status(auth.authenticate({ 'x-api-key': KEY_A.slice(0, -1) }))).toBe(401);
    expect(await status(auth.authenticate({ 'x-api-key': '' }))).toBe(401);
    expect(await status(auth.authenticate({}))).toBe(401);
  });

  it('names each bad entry by position without echoing its key', () => {
    expect(() => EnvKeyVerifier.parse('short:acme')).toThrow(/entry 1 of 1: the key must be at least 16 characters/);
    expect(() => EnvKeyVerifier.parse(`${KEY_A}:bad.tenant`)).toThrow(/tenant "bad.tenant" must be/);
    expect(() => EnvKeyVerifier.parse(`${KEY_A}:acme,${KEY_A}:globex`)).toThrow(/entry 2 of 2: the same key is listed twice/);
    expect(() => EnvKeyVerifier.parse(`${KEY_A}`)).toThrow(/expected <key>:<tenant>/);
    expect(() => EnvKeyVerifier.parse(`${KEY_A}:acme:reviewer:ci:extra:more`)).toThrow(/expected <key>:<tenant>\[:<role>\+<role>/);
    for (const spec of [`${KEY_B}:bad tenant`, `${KEY_B}:acme:wizard`]) {
      expect(() => EnvKeyVerifier.parse(spec)).toThrow();
      try { EnvKeyVerifier.parse(spec); } catch (e) { expect((e as Error).message).not.toContain(KEY_B); }
    }
  });
});

describe('session-ingest configuration', () => {
  it('fails fast naming REVERIE_API_KEYS (its entry, never its key), REVERIE_REDACTION_RULES and the limits', () => {
    let err: unknown;
    try {
      loadIngestConfig({ REVERIE_API_KEYS: `${KEY_A}:acme,tooshortkey:acme,${KEY_B}:acme:wizard`, REVERIE_REDACTION_RULES: '{"acme":{"disabled":["nope"]}}', INGEST_MAX_DEPTH: '0' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const message = (err as Error).message;
    expect(message).toMatch(/REVERIE_API_KEYS: .*entry 2 of 3: the key must be at least 16 characters/);
    expect(message).toMatch(/REVERIE_API_KEYS: .*entry 3 of 3: unknown role "wizard"/);
    expect(message).toMatch(/REVERIE_REDACTION_RULES: .*unknown redaction kind "nope"/);
    expect(message).toMatch(/INGEST_MAX_DEPTH/);
    for (const secret of ['tooshortkey', KEY_A, KEY_B]) expect(message).not.toContain(secret);
  });

  it('keeps REVERIE_API_KEYS the common string (keys may all live in Postgres) and applies the defaults of the limits', () => {
    expect(loadIngestConfig({}).REVERIE_API_KEYS).toBeUndefined();
    const c = loadIngestConfig({ REVERIE_API_KEYS: `${KEY_A}:acme` });
    expect(c).toMatchObject({ REVERIE_API_KEYS: `${KEY_A}:acme`, INGEST_MAX_BODY_BYTES: 8 * 1024 * 1024, INGEST_MAX_BATCH_EVENTS: 1000, INGEST_MAX_EVENT_BYTES: 256 * 1024, INGEST_MAX_DEPTH: 32, INGEST_PUBLISH_MAX_IN_FLIGHT: 1000, REVERIE_REDACTION_RULES: {}, PORT: 4101 });
  });
});

describe('REVERIE_PSEUDONYM_KEY', () => {
  /** A production configuration that is complete but for what each case leaves out. */
  const CONTENT_KEY = { REVERIE_CONTENT_KEY: Buffer.alloc(32, 3).toString('base64') };
  const errorOf = (env: Record<string, string>): ConfigError => {
    try {
      loadIngestConfig({ ...CONTENT_KEY, ...env });
    } catch (e) {
      if (e instanceof ConfigError) return e;
      throw e;
    }
    throw new Error('expected a ConfigError');
  };

  it('is required when NODE_ENV=production, and the error names it', () => {
    const err = errorOf({ NODE_ENV: 'production' });
    expect(err.problems.map((p) => p.variable)).toEqual(['REVERIE_PSEUDONYM_KEY']);
    expect(err.message).toMatch(/REVERIE_PSEUDONYM_KEY: required when NODE_ENV=production.*\(not set\)/);
    // Named together with the other bad variables, not only once they are fixed.
    expect(errorOf({ NODE_ENV: 'production', INGEST_MAX_DEPTH: '0' }).problems.map((p) => p.variable).sort()).toEqual(['INGEST_MAX_DEPTH', 'REVERIE_PSEUDONYM_KEY']);
    const key = 'k'.repeat(40);
    expect(loadIngestConfig({ ...CONTENT_KEY, NODE_ENV: 'production', REVERIE_PSEUDONYM_KEY: key }).REVERIE_PSEUDONYM_KEY).toBe(key);
  });

  it('refuses a short key without echoing it, and is optional outside production', () => {
    const err = errorOf({ REVERIE_PSEUDONYM_KEY: 'too-short-secret' });
    expect(err.message).toMatch(/REVERIE_PSEUDONYM_KEY: expected at least 32 characters.*a value of 16 characters \(hidden\)/);
    expect(err.message).not.toContain('too-short-secret');
    expect(loadIngestConfig({}).REVERIE_PSEUDONYM_KEY).toBeUndefined();
    expect(loadIngestConfig({ NODE_ENV: 'development' }).REVERIE_PSEUDONYM_KEY).toBeUndefined();
  });
});

describe('pseudonym keys', () => {
  it('derives each tenant key as HMAC-SHA256(deployment key, "reverie-pseudonym:" + tenant)', () => {
    const keys = tenantPseudonymKeys('d'.repeat(32));
    expect(Buffer.from(keys('acme')).toString('hex')).toBe(createHmac('sha256', 'd'.repeat(32)).update('reverie-pseudonym:acme').digest('hex'));
    expect(Buffer.from(keys('acme')).equals(Buffer.from(keys('acme')))).toBe(true);
    expect(Buffer.from(keys('acme')).equals(Buffer.from(keys('globex')))).toBe(false);
  });

  it('uses the deployment key when set, else the development key (flagged, for the warning)', () => {
    const set = pseudonymKeys({ REVERIE_PSEUDONYM_KEY: 'e'.repeat(32) });
    expect(set.development).toBe(false);
    expect(Buffer.from(set.keyFor('acme')).equals(Buffer.from(tenantPseudonymKeys('e'.repeat(32))('acme')))).toBe(true);
    const dev = pseudonymKeys({});
    expect(dev.development).toBe(true);
    expect(Buffer.from(dev.keyFor('acme')).equals(Buffer.from(tenantPseudonymKeys(DEVELOPMENT_PSEUDONYM_KEY)('acme')))).toBe(true);
  });
});
