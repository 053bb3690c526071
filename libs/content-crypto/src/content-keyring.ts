import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { openString, sealString } from './sealed-string';

export interface SessionKey { kid: string; key: Buffer }

/**
 * Where the data keys of session content live. A session's content is sealed with a data key of
 * its own (created with its first event), wrapped by its tenant's key-encryption key; the users a
 * session names are recorded against its key, so erasing a user shreds the keys of their sessions.
 * Shredding deletes the wrapped key: what the log keeps under it is ciphertext nobody can read.
 */
export interface ContentKeyring {
  sessionKey(tenantId: string, sessionId: string): Promise<SessionKey>;
  /** The keys of several sessions at once (created where missing): what sealing a batch needs, in a few queries. */
  sessionKeys(tenantId: string, sessionIds: readonly string[]): Promise<Map<string, SessionKey>>;
  /** The keys of these ids (absent: shredded, or never existed). */
  keys(tenantId: string, kids: Iterable<string>): Promise<Map<string, Buffer>>;
  recordUsers(tenantId: string, kid: string, userIds: readonly string[]): Promise<void>;
  recordUsersOf(tenantId: string, pairs: readonly { kid: string; userId: string }[]): Promise<void>;
  /** The keys of a user's sessions, and of sessions by id. */
  kidsOf(tenantId: string, selector: { userId?: string; sessionIds?: readonly string[] }): Promise<{ kid: string; sessionId: string }[]>;
  /** Deletes the keys; returns how many there were. */
  shred(tenantId: string, kids: readonly string[]): Promise<number>;
  /**
   * Each user's token: `u-` + HMAC of a key of the user's own, so the same user has the same token
   * in every session and lesson (distinct users still count), and once the user's key is shredded
   * no one can tell whose it was.
   */
  userTokens(tenantId: string, userIds: readonly string[], options?: { create?: boolean }): Promise<Map<string, string>>;
  /** Deletes users' token keys; returns how many there were. */
  shredUsers(tenantId: string, userIds: readonly string[]): Promise<number>;
  /** The sessions of a tenant whose keys were made before a date (retention), oldest first. */
  sessionsKeyedBefore(tenantId: string, before: string, limit: number): Promise<string[]>;
}

/** How long a process trusts a key it read: a shredded key stops opening anything within this everywhere. */
export const KEY_CACHE_MS = 2000;

/**
 * The master key that wraps the tenants' key-encryption keys: REVERIE_CONTENT_KEY (32 bytes,
 * base64). Without one a fixed development key is used, which production mode refuses.
 */
export function contentMasterKey(env: { REVERIE_CONTENT_KEY?: string }): { key: Buffer; development: boolean } {
  if (env.REVERIE_CONTENT_KEY) {
    const key = Buffer.from(env.REVERIE_CONTENT_KEY, 'base64');
    if (key.length !== 32) throw new Error('REVERIE_CONTENT_KEY must be 32 random bytes in base64 (openssl rand -base64 32)');
    return { key, development: false };
  }
  return { key: createHash('sha256').update('reverie-development-content-key').digest(), development: true };
}

const MASTER_KID = 'master';

/** The keyring in Postgres (`content_tenant_keys`, `content_data_keys`, `content_key_users`). */
export class PgContentKeyring implements ContentKeyring {
  private readonly keks = new Map<string, Buffer>();
  private readonly sessions = new Map<string, { value: SessionKey; at: number }>();
  /** By tenant and key id: a key id found in another tenant's event opens nothing. */
  private readonly byKid = new Map<string, { key: Buffer; at: number }>();
  private readonly tokens = new Map<string, { token: string; at: number }>();
  /** (tenant, key, user) pairs already in content_key_users. */
  private readonly recorded = new Set<string>();

  constructor(private readonly ds: DataSource, private readonly master: Buffer, private readonly now: () => number = Date.now) {}

  async sessionKey(tenantId: string, sessionId: string): Promise<SessionKey> {
    return (await this.sessionKeys(tenantId, [sessionId])).get(sessionId) as SessionKey;
  }

  async sessionKeys(tenantId: string, sessionIds: readonly string[]): Promise<Map<string, SessionKey>> {
    const out = new Map<string, SessionKey>();
    const missing: string[] = [];
    for (const sessionId of new Set(sessionIds)) {
      const hit = this.sessions.get(`${tenantId}\u0000${sessionId}`);
      if (hit && this.now() - hit.at < KEY_CACHE_MS) out.set(sessionId, hit.value);
      else missing.push(sessionId);
    }
    if (!missing.length) return out;
    const kek = await this.tenantKek(tenantId);
    const read = async (ids: string[]) => this.ds.query('SELECT session_id, kid, wrapped_key FROM content_data_keys WHERE tenant_id = $1 AND session_id = ANY($2::text[])', [tenantId, ids]) as Promise<{ session_id: string; kid: string; wrapped_key: string }[]>;
    const rows = await read(missing);
    const absent = missing.filter((id) => !rows.some((r) => r.session_id === id));
    if (absent.length) {
      const fresh = absent.map((sessionId) => {
        const kid = randomBytes(12).toString('hex');
        return { sessionId, kid, wrapped: sealString(randomBytes(32).toString('base64'), kek, kid) };
      });
      await this.ds.query(
        `INSERT INTO content_data_keys (kid, tenant_id, session_id, wrapped_key, created_at)
         SELECT k, $1, s, w, now() FROM unnest($2::text[], $3::text[], $4::text[]) AS x(k, s, w) ON CONFLICT (tenant_id, session_id) DO NOTHING`,
        [tenantId, fresh.map((f) => f.kid), fresh.map((f) => f.sessionId), fresh.map((f) => f.wrapped)],
      );
      // Another writer may have created a session's key first: everyone uses the one stored.
      rows.push(...(await read(absent)));
    }
    for (const r of rows) {
      const value = { kid: r.kid, key: Buffer.from(openString(r.wrapped_key, kek), 'base64') };
      out.set(r.session_id, value);
      this.sessions.set(`${tenantId}\u0000${r.session_id}`, { value, at: this.now() });
      this.byKid.set(`${tenantId}\u0000${r.kid}`, { key: value.key, at: this.now() });
    }
    this.trim();
    return out;
  }

  async keys(tenantId: string, kids: Iterable<string>): Promise<Map<string, Buffer>> {
    const out = new Map<string, Buffer>();
    const missing: string[] = [];
    for (const kid of new Set(kids)) {
      const hit = this.byKid.get(`${tenantId}\u0000${kid}`);
      if (hit && this.now() - hit.at < KEY_CACHE_MS) out.set(kid, hit.key);
      else missing.push(kid);
    }
    if (!missing.length) return out;
    const kek = await this.tenantKek(tenantId);
    const rows = await this.ds.query('SELECT kid, wrapped_key FROM content_data_keys WHERE tenant_id = $1 AND kid = ANY($2::text[])', [tenantId, missing]) as { kid: string; wrapped_key: string }[];
    for (const r of rows) {
      const key = Buffer.from(openString(r.wrapped_key, kek), 'base64');
      out.set(r.kid, key);
      this.byKid.set(`${tenantId}\u0000${r.kid}`, { key, at: this.now() });
    }
    this.trim();
    return out;
  }

  async recordUsers(tenantId: string, kid: string, userIds: readonly string[]): Promise<void> {
    await this.recordUsersOf(tenantId, userIds.map((userId) => ({ kid, userId })));
  }

  /** Records which users each key covers, skipping pairs this process recorded already. */
  async recordUsersOf(tenantId: string, pairs: readonly { kid: string; userId: string }[]): Promise<void> {
    const fresh = pairs.filter((p) => !this.recorded.has(`${tenantId}\u0000${p.kid}\u0000${p.userId}`));
    if (!fresh.length) return;
    await this.ds.query(
      `INSERT INTO content_key_users (tenant_id, kid, user_id) SELECT $1, k, u FROM unnest($2::text[], $3::text[]) AS x(k, u) ON CONFLICT DO NOTHING`,
      [tenantId, fresh.map((p) => p.kid), fresh.map((p) => p.userId)],
    );
    for (const p of fresh) this.recorded.add(`${tenantId}\u0000${p.kid}\u0000${p.userId}`);
    if (this.recorded.size > 100_000) this.recorded.clear();
  }

  async kidsOf(tenantId: string, selector: { userId?: string; sessionIds?: readonly string[] }): Promise<{ kid: string; sessionId: string }[]> {
    const rows = await this.ds.query(
      `SELECT DISTINCT k.kid, k.session_id FROM content_data_keys k LEFT JOIN content_key_users u ON u.tenant_id = k.tenant_id AND u.kid = k.kid
       WHERE k.tenant_id = $1 AND (u.user_id = $2 OR k.session_id = ANY($3::text[]))`,
      [tenantId, selector.userId ?? null, [...(selector.sessionIds ?? [])]],
    ) as { kid: string; session_id: string }[];
    return rows.map((r) => ({ kid: r.kid, sessionId: r.session_id }));
  }

  async shred(tenantId: string, kids: readonly string[]): Promise<number> {
    if (!kids.length) return 0;
    await this.ds.query('DELETE FROM content_key_users WHERE tenant_id = $1 AND kid = ANY($2::text[])', [tenantId, kids]);
    // TypeORM answers a DELETE with [rows, affected count].
    const [, count] = await this.ds.query('DELETE FROM content_data_keys WHERE tenant_id = $1 AND kid = ANY($2::text[])', [tenantId, kids]) as [unknown[], number];
    for (const kid of kids) this.byKid.delete(`${tenantId}\u0000${kid}`);
    this.recorded.clear();
    for (const [k, v] of this.sessions) if (kids.includes(v.value.kid)) this.sessions.delete(k);
    return count;
  }

  /** `create: false` looks up only (an export or a lookup must not make a key for a user Reverie does not hold). */
  async userTokens(tenantId: string, userIds: readonly string[], options: { create?: boolean } = {}): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const missing: string[] = [];
    for (const u of new Set(userIds)) {
      const hit = this.tokens.get(`${tenantId}\u0000${u}`);
      if (hit && this.now() - hit.at < KEY_CACHE_MS) out.set(u, hit.token);
      else missing.push(u);
    }
    if (!missing.length) return out;
    const kek = await this.tenantKek(tenantId);
    const read = async (ids: string[]) => this.ds.query('SELECT user_id, wrapped_key FROM content_user_keys WHERE tenant_id = $1 AND user_id = ANY($2::text[])', [tenantId, ids]) as Promise<{ user_id: string; wrapped_key: string }[]>;
    const rows = await read(missing);
    const absent = missing.filter((u) => !rows.some((r) => r.user_id === u));
    if (absent.length && options.create !== false) {
      await this.ds.query(
        `INSERT INTO content_user_keys (tenant_id, user_id, wrapped_key, created_at) SELECT $1, u, w, now() FROM unnest($2::text[], $3::text[]) AS x(u, w) ON CONFLICT DO NOTHING`,
        [tenantId, absent, absent.map(() => sealString(randomBytes(32).toString('base64'), kek, 'user'))],
      );
      rows.push(...(await read(absent)));
    }
    for (const r of rows) {
      const key = Buffer.from(openString(r.wrapped_key, kek), 'base64');
      const token = `u-${createHmac('sha256', key).update('reverie-user-token').digest('hex').slice(0, 24)}`;
      out.set(r.user_id, token);
      this.tokens.set(`${tenantId}\u0000${r.user_id}`, { token, at: this.now() });
    }
    return out;
  }

  async shredUsers(tenantId: string, userIds: readonly string[]): Promise<number> {
    if (!userIds.length) return 0;
    for (const u of userIds) this.tokens.delete(`${tenantId}\u0000${u}`);
    const [, count] = await this.ds.query('DELETE FROM content_user_keys WHERE tenant_id = $1 AND user_id = ANY($2::text[])', [tenantId, userIds]) as [unknown[], number];
    return count;
  }

  async sessionsKeyedBefore(tenantId: string, before: string, limit: number): Promise<string[]> {
    const rows = await this.ds.query(
      `SELECT session_id FROM content_data_keys WHERE tenant_id = $1 AND created_at < $2::timestamptz AND session_id NOT LIKE 'lesson:%' ORDER BY created_at LIMIT $3`,
      [tenantId, before, limit],
    ) as { session_id: string }[];
    return rows.map((r) => r.session_id);
  }

  private async tenantKek(tenantId: string): Promise<Buffer> {
    const hit = this.keks.get(tenantId);
    if (hit) return hit;
    let [row] = await this.ds.query('SELECT wrapped_kek FROM content_tenant_keys WHERE tenant_id = $1', [tenantId]) as { wrapped_kek: string }[];
    if (!row) {
      await this.ds.query(
        'INSERT INTO content_tenant_keys (tenant_id, wrapped_kek, created_at) VALUES ($1, $2, now()) ON CONFLICT (tenant_id) DO NOTHING',
        [tenantId, sealString(randomBytes(32).toString('base64'), this.master, MASTER_KID)],
      );
      [row] = await this.ds.query('SELECT wrapped_kek FROM content_tenant_keys WHERE tenant_id = $1', [tenantId]) as { wrapped_kek: string }[];
    }
    const kek = Buffer.from(openString(row.wrapped_kek, this.master), 'base64');
    this.keks.set(tenantId, kek);
    return kek;
  }

  private trim(): void {
    for (const m of [this.sessions, this.byKid] as Map<string, unknown>[]) {
      while (m.size > 50_000) m.delete(m.keys().next().value as string);
    }
  }
}
