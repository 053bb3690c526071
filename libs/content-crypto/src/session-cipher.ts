import type { LessonEvent, SessionEvent } from '@reverie/contracts';
import { excerptSessionsOf, openLessonEvent, sealLessonEvent } from './lesson-content';
import type { ContentKeyring } from './content-keyring';
import { isSealed, kidOf, openString, sealString } from './sealed-string';
import { ERASED, openSessionEvent, sealSessionEvent, sealedKids } from './session-content';

/** The user ids a session event names (what erasing a user must find). */
export function userIdsOf(event: SessionEvent): string[] {
  const ids = new Set<string>();
  if (event.actor.kind === 'user') ids.add(event.actor.id);
  const d = event.data as { userId?: unknown };
  if (typeof d.userId === 'string') ids.add(d.userId);
  return [...ids];
}

/**
 * The one way session content is sealed and opened: ingest seals a batch before appending it,
 * every consumer opens what it reads. Keys never leave the keyring and this class.
 */
export class SessionCipher {
  constructor(private readonly keyring: ContentKeyring) {}

  /** Seals a batch of one tenant: each event under its session's key; records the users each key covers. */
  async seal(tenantId: string, events: readonly SessionEvent[]): Promise<SessionEvent[]> {
    if (!events.length) return [];
    const keys = await this.keyring.sessionKeys(tenantId, events.map((e) => e.streamId));
    await this.keyring.recordUsersOf(tenantId, events.flatMap((e) => userIdsOf(e).map((userId) => ({ kid: (keys.get(e.streamId) as { kid: string }).kid, userId }))));
    return events.map((e) => {
      const { kid, key } = keys.get(e.streamId) as { kid: string; key: Buffer };
      return sealSessionEvent(e, (plain) => sealString(plain, key, kid));
    });
  }

  /**
   * Erases sessions: finds the sessions of these users (as the sessions name them) and these
   * sessions, and shreds their data keys. Returns the sessions whose content is now unreadable.
   */
  async shred(tenantId: string, selector: { userIds: readonly string[]; sessionIds: readonly string[] }): Promise<{ sessions: string[]; keys: number; userKeys: number }> {
    const found = await this.keysOf(tenantId, selector);
    const keys = await this.keyring.shred(tenantId, [...found.keys()]);
    const userKeys = await this.keyring.shredUsers(tenantId, selector.userIds);
    return { sessions: [...new Set(found.values())].sort(), keys, userKeys };
  }

  /** Sessions whose content is older than a date (by when their key was made): what retention erases. */
  sessionsOlderThan(tenantId: string, before: string, limit = 1000): Promise<string[]> {
    return this.keyring.sessionsKeyedBefore(tenantId, before, limit);
  }

  /** Users' tokens (see ContentKeyring.userTokens): what derived data names users by. */
  userTokens(tenantId: string, userIds: readonly string[], options?: { create?: boolean }): Promise<Map<string, string>> {
    return this.keyring.userTokens(tenantId, userIds, options);
  }

  /** The sessions these users' and these sessions' keys cover, and how many keys that is, without shredding anything. */
  async sessionsOf(tenantId: string, selector: { userIds: readonly string[]; sessionIds: readonly string[] }): Promise<{ sessions: string[]; keys: number }> {
    const found = await this.keysOf(tenantId, selector);
    return { sessions: [...new Set([...selector.sessionIds, ...found.values()])].sort(), keys: found.size };
  }

  /** kid → session of the keys that cover these users' and these sessions' content. */
  private async keysOf(tenantId: string, selector: { userIds: readonly string[]; sessionIds: readonly string[] }): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    for (const userId of selector.userIds) for (const k of await this.keyring.kidsOf(tenantId, { userId })) found.set(k.kid, k.sessionId);
    if (selector.sessionIds.length) for (const k of await this.keyring.kidsOf(tenantId, { sessionIds: selector.sessionIds })) found.set(k.kid, k.sessionId);
    return found;
  }

  /**
   * Seals a lesson's events: its own words (text, rationale, edits) under the lesson's key
   * (`lesson:<id>` in the keyring), each evidence excerpt under the key of the session it was cut
   * from, so erasing (or retention expiring) that session makes the excerpt unreadable in every
   * lesson too, and shredding the lesson's key withdraws its words everywhere.
   */
  async sealLesson(tenantId: string, lessonId: string, events: readonly LessonEvent[]): Promise<LessonEvent[]> {
    if (!events.length) return [];
    const own = lessonKeyId(lessonId);
    const keys = await this.keyring.sessionKeys(tenantId, [own, ...new Set(events.flatMap(excerptSessionsOf))]);
    return events.map((e) => sealLessonEvent(e, (plain, sessionId) => {
      const { kid, key } = keys.get(sessionId ?? own) as { kid: string; key: Buffer };
      return sealString(plain, key, kid);
    }));
  }

  /** Opens lesson events of one tenant (any lessons). */
  async openLessons(tenantId: string, events: readonly LessonEvent[]): Promise<LessonEvent[]> {
    const kids = new Set<string>();
    for (const e of events) openLessonEvent(e, (v) => { const k = kidOf(v); if (k) kids.add(k); return v; });
    if (!kids.size) return [...events];
    const keys = await this.keyring.keys(tenantId, kids);
    return events.map((e) => openLessonEvent(e, (sealed) => {
      const key = keys.get(kidOf(sealed) as string);
      return key ? openString(sealed, key) : undefined;
    }));
  }

  /** Shreds lessons' keys: their texts, rationales, excerpts and diffs read ERASED everywhere. */
  async shredLessons(tenantId: string, lessonIds: readonly string[]): Promise<number> {
    const found = await this.keyring.kidsOf(tenantId, { sessionIds: lessonIds.map(lessonKeyId) });
    return this.keyring.shred(tenantId, found.map((k) => k.kid));
  }

  /**
   * Opens every sealed string anywhere in a read model's value (a lesson view, an audit entry, a
   * served row): the read models keep content sealed as the log does and open it for an answer.
   */
  async openDeep<T>(tenantId: string, value: T): Promise<T> {
    const sealed = new Set<string>();
    const walk = (v: unknown): void => {
      if (typeof v === 'string') { if (isSealed(v)) sealed.add(v); } else if (Array.isArray(v)) v.forEach(walk); else if (v && typeof v === 'object') Object.values(v).forEach(walk);
    };
    walk(value);
    if (!sealed.size) return value;
    const list = [...sealed];
    const opened = new Map(list.map((s, i) => [s, i]));
    const plain = await this.openValues(tenantId, list);
    const rebuild = (v: unknown): unknown => {
      if (typeof v === 'string') return opened.has(v) ? plain[opened.get(v) as number] : v;
      if (Array.isArray(v)) return v.map(rebuild);
      if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, rebuild(x)]));
      return v;
    };
    return rebuild(value) as T;
  }

  /** Opens sealed values kept outside events (a read model's user id); a value not sealed passes, a shredded one reads ERASED. */
  async openValues(tenantId: string, values: readonly (string | undefined)[]): Promise<(string | undefined)[]> {
    const kids = values.flatMap((v) => (v && kidOf(v) ? [kidOf(v) as string] : []));
    const keys = kids.length ? await this.keyring.keys(tenantId, kids) : new Map<string, Buffer>();
    return values.map((v) => {
      if (!v || !isSealed(v)) return v;
      const key = keys.get(kidOf(v) as string);
      return key ? openString(v, key) : ERASED;
    });
  }

  /** Opens events of one tenant; content under a shredded key reads ERASED. */
  async open(tenantId: string, events: readonly SessionEvent[]): Promise<SessionEvent[]> {
    const kids = new Set<string>();
    for (const e of events) for (const k of sealedKids(e, kidOf)) kids.add(k);
    if (!kids.size) return [...events];
    const keys = await this.keyring.keys(tenantId, kids);
    return events.map((e) => openSessionEvent(e, (sealed) => {
      const key = keys.get(kidOf(sealed) as string);
      return key ? openString(sealed, key) : undefined;
    }));
  }
}

/** A lesson's key sits in the keyring beside sessions' keys, under this id. */
export const lessonKeyId = (lessonId: string): string => `lesson:${lessonId}`;
