import type { DataSource } from 'typeorm';
import type { LessonEvent, SessionEvent } from '@reverie/contracts';
import { createDataSource } from '@reverie/persistence';
import { pgTestEnv, type PgTestEnv } from '@reverie/testing';
import { contentMasterKey, KEY_CACHE_MS, PgContentKeyring } from './content-keyring';
import { ERASED } from './session-content';
import { SessionCipher } from './session-cipher';

const at = '2026-01-01T00:00:00.000Z';
const message = (sessionId: string, user: string, text: string, i = 1): SessionEvent => ({
  id: `${sessionId}-e${i}`, type: 'UserMessageRecorded', schemaVersion: 1, tenantId: 'acme', streamId: sessionId, occurredAt: at, recordedAt: at,
  actor: { kind: 'user', id: user }, correlationId: sessionId, data: { seq: i, text, userId: user },
});

describe('PgContentKeyring and SessionCipher (real Postgres)', () => {
  let pg: PgTestEnv;
  let ds: DataSource;
  let clock = 0;
  const master = contentMasterKey({ REVERIE_CONTENT_KEY: Buffer.alloc(32, 7).toString('base64') }).key;

  beforeAll(async () => {
    pg = await pgTestEnv();
    ds = createDataSource({ url: pg.url, poolSize: 2 });
    await ds.initialize();
  });
  afterAll(async () => {
    await ds?.destroy();
    await pg?.cleanup();
  });

  it('keeps one key per session across processes, stores it wrapped, and opens what another process sealed', async () => {
    const a = new SessionCipher(new PgContentKeyring(ds, master));
    const b = new SessionCipher(new PgContentKeyring(ds, master));
    const [sealed] = await a.seal('acme', [message('s1', 'ana', 'marker-one')]);
    const [again] = await b.seal('acme', [message('s1', 'ana', 'marker-two', 2)]);
    const rows = await ds.query('SELECT kid, wrapped_key FROM content_data_keys WHERE tenant_id = $1', ['acme']) as { kid: string; wrapped_key: string }[];
    expect(rows).toHaveLength(1);
    expect(rows[0].wrapped_key.startsWith('rv1.')).toBe(true);
    expect(JSON.stringify(await ds.query('SELECT * FROM content_tenant_keys'))).not.toContain(master.toString('base64'));
    expect((await b.open('acme', [sealed, again])).map((e) => (e.data as { text: string }).text)).toEqual(['marker-one', 'marker-two']);
    // Another tenant's keyring cannot open it, and a wrong master key cannot unwrap the tenant key.
    expect((await b.open('globex', [sealed])).map((e) => (e.data as { text: string }).text)).toEqual([ERASED]);
    await expect(new SessionCipher(new PgContentKeyring(ds, Buffer.alloc(32, 9))).open('acme', [sealed])).rejects.toThrow();
  });

  it('finds the keys of a user\'s sessions and shreds them: everywhere the content reads ERASED once caches expire', async () => {
    const keyring = new PgContentKeyring(ds, master, () => clock);
    const cipher = new SessionCipher(keyring);
    const sealed = await cipher.seal('acme', [message('s2', 'bo', 'marker-bo'), message('s3', 'cy', 'marker-cy'), message('s4', 'bo', 'marker-bo-2')]);
    const other = new SessionCipher(new PgContentKeyring(ds, master, () => clock));
    expect((await other.open('acme', sealed)).map((e) => (e.data as { text: string }).text)).toEqual(['marker-bo', 'marker-cy', 'marker-bo-2']);
    const ofBo = await keyring.kidsOf('acme', { userId: 'bo' });
    expect(ofBo.map((k) => k.sessionId).sort()).toEqual(['s2', 's4']);
    expect(await keyring.shred('acme', ofBo.map((k) => k.kid))).toBe(2);
    expect((await cipher.open('acme', sealed)).map((e) => (e.data as { text: string }).text)).toEqual([ERASED, 'marker-cy', ERASED]);
    clock += KEY_CACHE_MS;
    expect((await other.open('acme', sealed)).map((e) => (e.data as { text: string }).text)).toEqual([ERASED, 'marker-cy', ERASED]);
    expect(await ds.query(`SELECT * FROM content_key_users WHERE user_id = 'bo'`)).toEqual([]);
    expect((await keyring.kidsOf('acme', { sessionIds: ['s3'] })).map((k) => k.sessionId)).toEqual(['s3']);
  });

  it('seals a lesson\'s words under its own key and each excerpt under its session\'s key: erasing the session erases the excerpt, shredding the lesson erases the words', async () => {
    const cipher = new SessionCipher(new PgContentKeyring(ds, master));
    await cipher.seal('acme', [message('s5', 'di', 'the session')]);
    const proposed: LessonEvent = {
      id: 'p1', type: 'LessonProposed', schemaVersion: 1, tenantId: 'acme', streamId: 'l1', occurredAt: at, recordedAt: at, actor: { kind: 'service', id: 'dreaming' }, correlationId: 'd1',
      data: {
        kind: 'mistake', scope: { tenantId: 'acme' }, text: 'marker-words', fingerprint: 'fp', effectSize: null, confidence: 0.5, dreamId: 'd1',
        support: { sessions: 2, distinctUsers: 2, occurrences: 2, firstSeen: at, lastSeen: at },
        evidence: { refs: [{ tenantId: 'acme', sessionId: 's5', eventId: 'e1', excerpt: 'marker-from-s5' }, { tenantId: 'acme', sessionId: 's6', eventId: 'e2', excerpt: 'marker-from-s6' }], counts: {} },
      },
    };
    const [sealed] = await cipher.sealLesson('acme', 'l1', [proposed]);
    expect(JSON.stringify(sealed)).not.toContain('marker');
    const words = (e: LessonEvent) => { const d = e.data as { text: string; evidence: { refs: { excerpt?: string }[] } }; return [d.text, ...d.evidence.refs.map((r) => r.excerpt)]; };
    expect(words((await cipher.openLessons('acme', [sealed]))[0])).toEqual(['marker-words', 'marker-from-s5', 'marker-from-s6']);
    await cipher.shred('acme', { userIds: ['di'], sessionIds: [] });
    expect(words((await cipher.openLessons('acme', [sealed]))[0])).toEqual(['marker-words', ERASED, 'marker-from-s6']);
    expect(await cipher.shredLessons('acme', ['l1'])).toBe(1);
    expect(words((await cipher.openLessons('acme', [sealed]))[0])).toEqual([ERASED, ERASED, 'marker-from-s6']);
  });
});
