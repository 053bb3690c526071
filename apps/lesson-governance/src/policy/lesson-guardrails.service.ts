import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { checkLesson, type GuardrailVerdict } from '@reverie/guardrails';
import { shortOfRule, type PolicyCheck, type PolicySubject } from '@reverie/lesson-domain';
import { ERASED, type SessionCipher } from '@reverie/content-crypto';
import { DATA_SOURCE, SESSION_CIPHER } from '@reverie/service-kit';
import { TenantPolicyStore } from './tenant-policy.store';

/** What the policy checks of a lesson (a dry run of a text alone has no kind or support). */
export type LessonUnderPolicy = Omit<PolicySubject, 'kind' | 'support'> & Partial<Pick<PolicySubject, 'kind' | 'support'>>;

/** A tenant's guardrails and corroboration rule bound to its policy and active lessons: a pure check of one lesson. */
export type TextCheck = (lesson: LessonUnderPolicy) => PolicyCheck;

/**
 * Loads what the policy checks need for a tenant (its guardrails and corroboration rule, and its
 * served lessons for the contradiction rule) once per decision, and hands back the pure check the
 * decider's caller runs on a proposed, edited or reopened lesson: the guardrails on its text
 * (knowing which kinds of evidence it rests on) and the corroboration rule on its support.
 */
@Injectable()
export class LessonGuardrails {
  constructor(
    @Inject(TenantPolicyStore) private readonly policies: TenantPolicyStore,
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(SESSION_CIPHER) private readonly cipher: SessionCipher,
  ) {}

  /** `lessonId`: the lesson being checked, which must not contradict itself. */
  async forTenant(tenantId: string, lessonId?: string): Promise<TextCheck> {
    const [policy, active] = await Promise.all([this.policies.get(tenantId), this.served(tenantId, lessonId)]);
    return (lesson) => {
      const sources = lesson.evidence?.refs.flatMap((r) => (r.source ? [r.source] : []));
      const check = toPolicyCheck(checkLesson(
        { text: lesson.text, ...(lesson.rationale !== undefined && { rationale: lesson.rationale }), ...(sources?.length && { evidenceSources: [...new Set(sources)] }) },
        { policy: policy.guardrails, active },
      ));
      const short = lesson.kind && lesson.support ? shortOfRule(lesson.kind, lesson.support, policy.corroboration) : undefined;
      if (!short) return check;
      return { verdict: 'block', violations: [...check.violations, { rule: 'corroboration', detail: short, match: '' }].slice(0, 50) };
    };
  }

  private async served(tenantId: string, except?: string): Promise<{ id: string; text: string }[]> {
    const rows: { id: string; text: string }[] = await this.ds.query(
      `SELECT lesson_id AS id, view->'live'->>'text' AS text FROM governance_lessons
       WHERE tenant_id = $1 AND view->'live' IS NOT NULL AND lesson_id <> $2`,
      [tenantId, except ?? ''],
    );
    return (await this.cipher.openDeep(tenantId, rows)).filter((r) => r.text && r.text !== ERASED);
  }
}

/** The guardrails' verdict as the lesson events record it (bounded as the contract bounds it). */
export function toPolicyCheck(verdict: GuardrailVerdict): PolicyCheck {
  return {
    verdict: verdict.blocked ? 'block' : 'pass',
    violations: verdict.violations.slice(0, 50).map((v) => ({
      rule: v.rule.slice(0, 120),
      detail: [v.detail, v.via && `(found after ${v.via} decoding)`, v.activeLessonId && `(active lesson ${v.activeLessonId})`].filter(Boolean).join(' ').slice(0, 1000),
      match: v.match.slice(0, 500),
    })),
  };
}
