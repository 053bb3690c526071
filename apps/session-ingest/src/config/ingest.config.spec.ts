import { Authenticator, AuthError, ConfigError, EnvKeyVerifier } from '@reverie/service-kit';
import { loadIngestConfig } from './ingest.config';

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
