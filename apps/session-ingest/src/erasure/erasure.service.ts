import { randomBytes } from 'node:crypto';
import { Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { newId, type DreamingErasureReply, type LessonErasureReply, type Topology } from '@reverie/contracts';
import type { SessionCipher } from '@reverie/content-crypto';
import { DATA_SOURCE, NATS_CONNECTION, SESSION_CIPHER, TOPOLOGY, type Principal } from '@reverie/service-kit';
import { INGEST_CONFIG, LOGGER } from '../app.tokens';
import type { IngestConfig } from '../config/ingest.config';
import { pseudonymKeys } from '../config/pseudonym-keys';
import { TenantRedactors } from '../ingest/tenant-redactors';
import type { ErasureBody } from './erasure-requests';

export interface ErasureResult {
  erasureId: string;
  scope: { users: number; sessions: number };
  artifacts: Record<string, number>;
  lessons: Extract<LessonErasureReply, { ok: true }>['lessons'];
}

const REQUEST_TIMEOUT_MS = 30_000;

/**
 * Erasure, in one action: finds the sessions of the users (their ids as ingest stored them) and the
 * sessions named; dreaming purges what it derived from them; their data keys are shredded, so the
 * log keeps only ciphertext nobody can read; the session read model forgets them; governance
 * recounts every lesson they supported and records the erasure (DataErased: how much, never whom).
 */
@Injectable()
export class ErasureService {
  private readonly redactors: TenantRedactors;

  constructor(
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(TOPOLOGY) private readonly topology: Topology,
    @Inject(SESSION_CIPHER) private readonly cipher: SessionCipher,
    @Inject(INGEST_CONFIG) config: IngestConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.redactors = new TenantRedactors(config.REVERIE_REDACTION_RULES, pseudonymKeys(config).keyFor);
  }

  async erase(principal: Principal, body: ErasureBody): Promise<ErasureResult> {
    const { tenantId } = principal;
    // A user id as ingest stored it: an e-mail address or phone number became a keyed pseudonym.
    const users = (body.users ?? []).map((u) => this.redactors.for(tenantId).redactEvent({ data: { userId: u } }).data.userId as string);
    const result = await this.eraseStored(tenantId, { userIds: users, sessionIds: body.sessions ?? [] }, body.reason, principal.actor.id);
    this.logger.info({ tenantId, erasureId: result.erasureId, actor: principal.actor, scope: result.scope, artifacts: result.artifacts }, 'erased');
    return result;
  }

  /**
   * Erases by ids as ingest stored them (the retention job names sessions this way). Governance acts
   * first, while the content can still be fingerprinted: if anything after it fails, a retry finds
   * the lessons already closed and the content still there to purge; nothing irreversible happens
   * before the lessons that quote the content are closed.
   */
  async eraseStored(tenantId: string, selector: { userIds: string[]; sessionIds: string[] }, reason: string, requestedBy: string): Promise<ErasureResult> {
    const erasureId = newId();
    const users = selector.userIds;
    const { sessions, keys } = await this.cipher.sessionsOf(tenantId, selector);
    // Lessons name users by token: take them before the tokens' keys are shredded with the rest.
    const tokens = [...(await this.cipher.userTokens(tenantId, users, { create: false })).values()];
    // 1. What the sessions said, as fingerprints under a salt made for this erasure (dreaming purges nothing yet).
    const quoteSalt = randomBytes(24).toString('base64url');
    const seen = await this.ask<DreamingErasureReply>(this.topology.command('dreaming.erase', tenantId), { erasureId, sessions, quoteSalt, purge: false }, 'dreaming');
    const [{ count }] = await this.ds.query('SELECT count(*)::int AS count FROM ingest_sessions WHERE tenant_id = $1 AND session_id = ANY($2::text[])', [tenantId, sessions]) as { count: number }[];
    // sessionsSentToLlm: how many of them a dream's writer ever sent (redacted facts and excerpts) to an LLM.
    const artifacts = { sessionKeys: keys, userKeys: tokens.length, sessionRows: count, signalRows: seen.signalRows, sessionsSentToLlm: seen.sessionsSentToLlm };
    // 2. Governance recounts the lessons, closes those quoting the content (shredding their words) and records the erasure.
    const governance = await this.ask<LessonErasureReply>(this.topology.command('lessons.erase', tenantId), {
      erasureId, users: tokens, sessions, reason, requestedBy, artifacts, ...(seen.quotes && { quotes: seen.quotes }),
    }, 'lesson-governance');
    // 3. The irreversible part: dreaming's signals, the data keys (the log keeps ciphertext nobody can read), the session rows.
    await this.ask<DreamingErasureReply>(this.topology.command('dreaming.erase', tenantId), { erasureId, sessions, purge: true }, 'dreaming');
    await this.cipher.shred(tenantId, selector);
    await this.ds.query('DELETE FROM ingest_sessions WHERE tenant_id = $1 AND session_id = ANY($2::text[])', [tenantId, sessions]);
    return { erasureId, scope: { users: users.length, sessions: sessions.length }, artifacts, lessons: governance.lessons };
  }

  private async ask<R extends { ok: boolean }>(subject: string, payload: unknown, service: string): Promise<Extract<R, { ok: true }>> {
    let reply: R;
    try {
      reply = (await this.nc.request(subject, JSON.stringify(payload), { timeout: REQUEST_TIMEOUT_MS })).json<R>();
    } catch (err) {
      throw new ServiceUnavailableException(`${service} did not answer the erasure (${(err as Error).message}); retry: an erasure is safe to repeat`);
    }
    if (!reply.ok) throw new ServiceUnavailableException(`${service} refused the erasure: ${(reply as unknown as { error: string }).error}`);
    return reply as Extract<R, { ok: true }>;
  }
}
