import { Inject, Injectable } from '@nestjs/common';
import { deterministicId, type LessonProposalReply, type LessonProposalRequest } from '@reverie/contracts';
import { decideDreamCandidate, LessonDomainError, type LessonCommandMetadata } from '@reverie/lesson-domain';
import { DriftGuard } from '../drift/drift-guard.service';
import { LessonGuardrails } from '../policy/lesson-guardrails.service';
import { TenantPolicyStore } from '../policy/tenant-policy.store';
import { DREAMING_SERVICE_ACTOR } from './lesson-actor';
import { LessonContendedError, LessonDecisionsService } from './lesson-decisions.service';

/**
 * Applies a dream's candidate to its lesson (lesson-domain `decideDreamCandidate`) through the
 * one read-decide-append loop. The events' ids derive from the dream, so a retried request is
 * dropped by JetStream as a duplicate; the dream is their correlation, its DreamStarted their cause.
 */
@Injectable()
export class LessonProposalsService {
  constructor(
    @Inject(LessonDecisionsService) private readonly decisions: LessonDecisionsService,
    @Inject(LessonGuardrails) private readonly guardrails: LessonGuardrails,
    @Inject(TenantPolicyStore) private readonly policies: TenantPolicyStore,
    @Inject(DriftGuard) private readonly drift: DriftGuard,
  ) {}

  async apply(tenantId: string, request: LessonProposalRequest): Promise<LessonProposalReply> {
    const { dreamId, lessonId, candidate } = request;
    const foreign = foreignTenantFields(tenantId, request);
    if (foreign.length) return { ok: false, error: `${foreign.join(', ')}: not the tenant of the subject (${tenantId})` };
    const metadata: LessonCommandMetadata = { now: request.now, actor: DREAMING_SERVICE_ACTOR, correlationId: dreamId, causationId: request.causationId };
    const answer = { ok: true as const, lessonId, fingerprint: candidate.fingerprint };
    try {
      if (request.action === 'propose') {
        const waits = await this.drift.proposalWaits(tenantId, lessonId, dreamId, (await this.policies.get(tenantId)).drift);
        if (waits) return { ...answer, outcome: 'refused', note: waits };
      }
      const check = await this.guardrails.forTenant(tenantId, lessonId);
      const { decision } = await this.decisions.decide(tenantId, lessonId, {
        name: `dream ${request.action}`,
        decide: (history) => decideDreamCandidate({ tenantId, lessonId, history }, request, metadata, check),
        metadata,
        eventId: (e) => deterministicId('lesson-event', tenantId, lessonId, dreamId, e.type),
      });
      return { ...answer, outcome: decision.outcome, ...('note' in decision && { note: decision.note }) };
    } catch (err) {
      if (err instanceof LessonDomainError) return { ...answer, outcome: 'refused', note: err.message };
      if (err instanceof LessonContendedError) return { ok: false, error: err.message };
      throw err;
    }
  }
}

/** A candidate may only speak of the tenant whose subject it came on. */
function foreignTenantFields(tenantId: string, request: LessonProposalRequest): string[] {
  const fields: string[] = [];
  if (request.candidate.scope.tenantId !== tenantId) fields.push('candidate.scope.tenantId');
  request.candidate.evidence.refs.forEach((r, i) => {
    if (r.tenantId !== tenantId) fields.push(`candidate.evidence.refs.${i}.tenantId`);
  });
  return fields;
}
