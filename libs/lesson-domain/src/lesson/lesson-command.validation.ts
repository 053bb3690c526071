import { z } from 'zod';
import { actorSchema, evidenceSchema, isoDateTime, lessonClaimSchema, supportSchema } from '@reverie/contracts';
import { MAX_REQUIRED_APPROVALS, type LessonCommand } from './lesson.commands';
import { LessonDomainError } from './lesson-domain.error';

const metadata = z.object({
  now: isoDateTime,
  actor: actorSchema,
  correlationId: z.string().min(1).max(200),
  causationId: z.string().min(1).max(200).optional(),
});
const reason = z.string().max(4000);

const dataSchemas: { [K in LessonCommand['type']]: z.ZodType } = {
  ProposeLesson: lessonClaimSchema.extend({ dreamId: z.string().min(1) }),
  AddLessonEvidence: z.object({
    dreamId: z.string().min(1),
    support: supportSchema,
    evidence: evidenceSchema,
    confidence: z.number().min(0).max(1),
  }),
  ApproveLesson: z.object({ note: z.string().max(4000).optional(), requiredApprovals: z.number().int().min(1).max(MAX_REQUIRED_APPROVALS).optional() }),
  // Empty reasons are refused by the decider with their own code (reason-required).
  RejectLesson: z.object({ reason }),
  ReopenLesson: z.object({ dreamId: z.string().min(1), reason, supportGrowthFactor: z.number().nonnegative().optional() }),
  RetireLesson: z.object({ reason }),
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
