import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { deterministicId, newId, type LessonErasureReply, type LessonEvent, type LessonErasureRequest, type QuarantinedSource, type Support } from '@reverie/contracts';
import type { RevocationAction, SupportCount } from '@reverie/lesson-domain';
import { ConcurrencyError } from '@reverie/event-store';
import { decideRevocation, evolveAll, isQuarantined, type LessonCommandMetadata, type RevocationDecision } from '@reverie/lesson-domain';
import { quotesErased, type QuoteFingerprints, type SessionCipher } from '@reverie/content-crypto';
import { API_KEY_STORE, DATA_SOURCE, SESSION_CIPHER, type ApiKeyStore, type Principal } from '@reverie/service-kit';
import { CLOCK, LOGGER, type Clock } from '../app.tokens';
import { decisionActor } from '../lessons/lesson-actor';
import { LessonDecisionsService } from '../lessons/lesson-decisions.service';
import { TenantPolicyStore } from '../policy/tenant-policy.store';
import { TenantAggregate } from '../tenant/tenant-aggregate';
import type { RevocationBody } from './revocation-requests';

export interface RevocationResult {
  revocationId: string;
  sources: QuarantinedSource[];
  reason: string;
  lessons: { lessonId: string; fingerprint: string; action: RevocationAction; status: string; before: SupportCount; after: SupportCount }[];
}

const KEY_ID = /^[0-9a-f]{12}$/;

/**
 * Revoke by source, in one action: every lesson the sources supported loses that support (each
 * through the lesson decider: withdrawn, back to review or rejected as what is left allows), and
 * one SourcesQuarantined on the tenant's aggregate records the sources and what changed; later
 * dreams leave the sources out.
 */
@Injectable()
export class RevocationsService {
  constructor(
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(LessonDecisionsService) private readonly decisions: LessonDecisionsService,
    @Inject(TenantPolicyStore) private readonly policies: TenantPolicyStore,
    @Inject(TenantAggregate) private readonly tenants: TenantAggregate,
    @Inject(API_KEY_STORE) private readonly keys: ApiKeyStore,
    @Inject(SESSION_CIPHER) private readonly cipher: SessionCipher,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async revoke(principal: Principal, body: RevocationBody): Promise<RevocationResult> {
    const { tenantId } = principal;
    const sources = await this.resolve(tenantId, body);
    const revocationId = newId();
    const metadata: LessonCommandMetadata = { now: this.clock().toISOString(), actor: decisionActor(principal), correlationId: revocationId };
    const lessons = await this.recount(tenantId, sources, body.reason, revocationId, metadata);
    const data = { revocationId, sources, reason: body.reason, lessons };
    await this.record(tenantId, { type: 'SourcesQuarantined', data }, metadata, deterministicId('revocation', tenantId, revocationId));
    this.logger.info({ tenantId, revocationId, actor: principal.actor, sources, lessons: lessons.map((l) => `${l.lessonId}:${l.action}`) }, 'sources revoked');
    return data;
  }

  /**
   * An erasure (session-ingest shredded the data and asks): every lesson the erased users and
   * sessions supported is recounted without them, as a revocation does, but nothing is
   * quarantined (an erasure is not a ban) and the record (DataErased) keeps no user or session id.
   */
  async erase(tenantId: string, request: LessonErasureRequest): Promise<LessonErasureReply> {
    const sources: QuarantinedSource[] = [...request.users.map((id) => ({ kind: 'user' as const, id })), ...request.sessions.map((id) => ({ kind: 'session' as const, id }))];
    const metadata: LessonCommandMetadata = { now: this.clock().toISOString(), actor: { kind: 'reviewer', id: request.requestedBy }, correlationId: request.erasureId };
    const lessons = sources.length ? await this.recount(tenantId, sources, `erasure: ${request.reason}`, request.erasureId, metadata, request.quotes) : [];
    const data = { erasureId: request.erasureId, reason: request.reason, scope: { users: request.users.length, sessions: request.sessions.length }, artifacts: request.artifacts, lessons };
    await this.record(tenantId, { type: 'DataErased', data }, metadata, deterministicId('erasure', tenantId, request.erasureId));
    this.logger.info({ tenantId, erasureId: request.erasureId, requestedBy: request.requestedBy, scope: data.scope, artifacts: request.artifacts, lessons: lessons.map((l) => `${l.lessonId}:${l.action}`) }, 'data erased');
    return { ok: true, lessons };
  }

  /**
   * Every lesson the sources supported, recounted without them through the lesson decider. With an
   * erasure's quote fingerprints, a lesson whose words (any version of its text or rationale) quote
   * the erased content is closed and its key shredded: its words read "[erased]" everywhere,
   * the LESSONS log included.
   */
  private async recount(
    tenantId: string, sources: QuarantinedSource[], reason: string, id: string, metadata: LessonCommandMetadata, quotes?: QuoteFingerprints,
  ): Promise<RevocationResult['lessons']> {
    const { corroboration } = await this.policies.get(tenantId);
    const lessons: RevocationResult['lessons'] = [];
    for (const { lessonId, fingerprint } of await this.supported(tenantId, sources)) {
      let quoted = false;
      const { decision } = await this.decisions.decide<RevocationDecision>(tenantId, lessonId, {
        name: 'revocation',
        decide: (history) => {
          quoted = quotes !== undefined && quotesErased(lessonWords(history), quotes);
          return decideRevocation(tenantId, lessonId, evolveAll(history), { revocationId: id, sources, reason, rule: corroboration, wordsQuoted: quoted }, metadata);
        },
        metadata,
        eventId: (e) => deterministicId('revocation', tenantId, id, lessonId, e.type),
      });
      if (quoted) await this.cipher.shredLessons(tenantId, [lessonId]);
      if (decision.outcome) lessons.push({ lessonId, fingerprint, ...decision.outcome });
    }
    return lessons;
  }

  /** The one record of the action on the tenant's aggregate (its id derived from the action's, so a retry is not recorded twice). */
  private async record(tenantId: string, record: Parameters<TenantAggregate['append']>[1], metadata: LessonCommandMetadata, id: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const { lastSeq } = await this.tenants.load(tenantId);
      try {
        await this.tenants.append(tenantId, record, metadata, lastSeq, id);
        return;
      } catch (err) {
        if (!(err instanceof ConcurrencyError) || attempt >= 4) throw err;
      }
    }
  }

  /** The sources named, a key id resolved to the actor its sessions were ingested as. */
  private async resolve(tenantId: string, body: RevocationBody): Promise<QuarantinedSource[]> {
    const credentials: QuarantinedSource[] = [];
    for (const key of body.keys ?? []) {
      if (!KEY_ID.test(key)) { credentials.push({ kind: 'credential', id: key }); continue; }
      const record = await this.keys.find(key);
      if (!record || record.tenantId !== tenantId) throw new BadRequestException(`no key ${key} in tenant ${tenantId} (give a key id from \`reverie keys list\`, or the actor id a credential ingests as, e.g. key:ci)`);
      credentials.push({ kind: 'credential', id: `key:${record.name}` });
    }
    // Derived data names users by token (content-crypto): a user named here is looked up by theirs.
    const tokens = await this.cipher.userTokens(tenantId, body.users ?? [], { create: false });
    return [
      ...(body.sessions ?? []).map((id) => ({ kind: 'session' as const, id })),
      ...(body.users ?? []).map((id) => ({ kind: 'user' as const, id: tokens.get(id) ?? id })),
      ...credentials,
    ];
  }

  /** The tenant's lessons whose support lists a session from one of the sources (read model; each is re-read from the log to decide). */
  private async supported(tenantId: string, sources: QuarantinedSource[]): Promise<{ lessonId: string; fingerprint: string }[]> {
    const rows: { lesson_id: string; fingerprint: string; support: Support }[] = await this.ds.query(
      `SELECT lesson_id, fingerprint, view->'support' AS support FROM governance_lessons WHERE tenant_id = $1 ORDER BY lesson_id`,
      [tenantId],
    );
    return rows
      .filter((r) => (r.support.provenance ?? []).some((s) => isQuarantined(sources, s)))
      .map((r) => ({ lessonId: r.lesson_id, fingerprint: r.fingerprint }));
  }
}

/** A lesson's own words in every version (opened): what an erasure checks for quotes. Excerpts follow their sessions' keys. */
function lessonWords(history: readonly LessonEvent[]): string[] {
  return history.flatMap((e) => {
    if (e.type === 'LessonProposed') return [e.data.text, e.data.rationale ?? '', e.data.scope.taskCluster ?? ''];
    if (e.type === 'LessonEdited') return [e.data.text, e.data.rationale ?? ''];
    return [];
  });
}
