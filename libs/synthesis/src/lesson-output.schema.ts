import { z } from 'zod';

/** The shape Claude's record_lessons tool input must have. Content rules (length, ids) are checked per lesson later. */
export const recordLessonsInputSchema = z.object({
  lessons: z.array(
    z.object({
      candidateIds: z.array(z.string()).min(1),
      text: z.string(),
      rationale: z.string().optional(),
    }),
  ),
});
export type RecordLessonsInput = z.infer<typeof recordLessonsInputSchema>;
export type WrittenLesson = RecordLessonsInput['lessons'][number];

/** Finds the record_lessons tool_use block and validates its input; returns a reason instead of throwing. */
export function readToolOutput(
  content: ReadonlyArray<{ type: string; name?: string; input?: unknown }>,
  toolName: string,
): { ok: true; value: RecordLessonsInput } | { ok: false; reason: string } {
  const block = content.find((b) => b.type === 'tool_use' && b.name === toolName);
  if (!block) return { ok: false, reason: `no ${toolName} tool_use block in the response` };
  const parsed = recordLessonsInputSchema.safeParse(block.input);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    return { ok: false, reason: `tool input has the wrong shape at ${first?.path.join('.') || '(root)'}: ${first?.message}` };
  }
  return { ok: true, value: parsed.data };
}
