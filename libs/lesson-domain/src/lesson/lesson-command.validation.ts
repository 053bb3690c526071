import { z } from 'zod';
import { actorSchema, evidenceSchema, isoDateTime, lessonClaimSchema, policyViolationSchema, quarantinedSourceSchema, supportSchema, textHashSchema } from '@reverie/contracts';
import { MAX_REQUIRED_APPROVALS, type LessonCommand } from './lesson.commands';
import { LessonDomainError } from './lesson-domain.error';

const metadata = z.object({
  now: isoDateTime,
  actor: actorSchema,
  correlationId: z.string().min(1).max(200),
  causationId: z.string().min(1).max(200).optional(),
});
const reason = z.string().max(4000);

const policyCheck = z.object({ verdict: z.enum(['pass', 'block']), violations: z.array(policyViolationSchema).max(50) });
const rollout = z.object({
  canaryShare: z.number().min(0).max(1),
  canaryPeriodMs: z.number().int().nonnegative(),
  reviewAfterMs: z.number().int().positive(),
});

const dataSchemas: { [K in LessonCommand['type']]: z.ZodType } = {
  ProposeLesson: lessonClaimSchema.extend({ dreamId: z.string().min(1), policyCheck }),
  AddLessonEvidence: z.object({
    dreamId: z.string().min(1),
    support: supportSchema,
    evidence: evidenceSchema,
    confidence: z.number().min(0).max(1),
  }),
  // An empty text is refused by the decider with its own code (text-required).
  EditLesson: z.object({ text: z.string().max(4000), rationale: z.string().max(4000).optional(), policyCheck }),
  ApproveLesson: z.object({
    note: z.string().max(4000).optional(),
    requiredApprovals: z.number().int().min(1).max(MAX_REQUIRED_APPROVALS).optional(),
    textHash: textHashSchema.optional(),
    rollout: rollout.optional(),
  }),
  // Empty reasons are refused by the decider with their own code (reason-required).
  RejectLesson: z.object({ reason }),
  ReopenLesson: z.object({ dreamId: z.string().min(1).optional(), reason, supportGrowthFactor: z.number().nonnegative().optional(), policyCheck }),
  RetireLesson: z.object({ reason }),
  PromoteLesson: z.object({ reason }),
  RollBackLesson: z.object({ reason, withdraw: z.enum(['for-good', 'to-review']).optional() }),
  RevokeLessonEvidence: z.object({
    revocationId: z.string().min(1).max(200),
    sources: z.array(quarantinedSourceSchema).min(1).max(100),
    support: supportSchema,
    removedSessions: z.number().int().nonnegative(),
  }),
  ExpireLesson: z.object({}),
};

/** Checks a command's shape; throws `invalid-command` naming each bad field. */
export function validateLessonCommand(command: LessonCommand): void {
  const schema = dataSchemas[command.type];
  if (!schema) throw new LessonDomainError('invalid-command', `unknown lesson command type "${String(command.type)}"`);
  const problems = [
    ...issues(metadata.safeParse(command.metadata), 'metadata'),
    ...issues(schema.safeParse(command.data), 'data'),
  ];
  if (problems.length > 0) {
    throw new LessonDomainError('invalid-command', `${command.type} is invalid: ${problems.join('; ')}`);
  }
}

function issues(result: { success: boolean; error?: z.ZodError }, root: string): string[] {
  if (result.success || !result.error) return [];
  return result.error.issues.map((i) => `${[root, ...i.path.map(String)].join('.')}: ${i.message}`);
}
