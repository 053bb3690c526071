import { z } from 'zod';
import { actorSchema, DreamCompleted, DreamFailed, DreamRequested, DreamStarted, isoDateTime } from '@reverie/contracts';
import type { DreamCommand } from './dream.commands';
import { DreamDomainError } from './dream-domain.error';

const metadata = z.object({
  now: isoDateTime,
  actor: actorSchema,
  correlationId: z.string().min(1).max(200),
  causationId: z.string().min(1).max(200).optional(),
});

// A command carries exactly the data of the event it asks for: the contract's schema checks it.
const dataSchemas: { [K in DreamCommand['type']]: z.ZodType } = {
  RequestDream: DreamRequested.shape.data,
  StartDream: DreamStarted.shape.data,
  CompleteDream: DreamCompleted.shape.data,
  FailDream: DreamFailed.shape.data,
};

/** Checks a command's shape; throws `invalid-command` naming each bad field. */
export function validateDreamCommand(command: DreamCommand): void {
  const schema = dataSchemas[command.type];
  if (!schema) throw new DreamDomainError('invalid-command', `unknown dream command type "${String(command.type)}"`);
  const problems = [
    ...issues(metadata.safeParse(command.metadata), 'metadata'),
    ...issues(schema.safeParse(command.data), 'data'),
  ];
  if (problems.length > 0) {
    throw new DreamDomainError('invalid-command', `${command.type} is invalid: ${problems.join('; ')}`);
  }
}

function issues(result: { success: boolean; error?: z.ZodError }, root: string): string[] {
  if (result.success || !result.error) return [];
  return result.error.issues.map((i) => `${[root, ...i.path.map(String)].join('.')}: ${i.message}`);
}
