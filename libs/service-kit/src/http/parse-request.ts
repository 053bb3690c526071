import { BadRequestException } from '@nestjs/common';
import type { z } from 'zod';

/** Validates a request part at the edge; a 400 whose detail names every bad field (`body.reason: ...`). */
export function parseRequest<S extends z.ZodType>(schema: S, value: unknown, where: 'body' | 'query' | 'params'): z.infer<S> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${[where, ...i.path.map(String)].join('.')}: ${i.message}`);
  throw new BadRequestException({ detail: `invalid request: ${problems.join('; ')}`, errors: problems });
}
