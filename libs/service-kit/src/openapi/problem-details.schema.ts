import { z } from 'zod';
import type { ProblemDetails } from '../http/problem-details.filter';

/** The errors every service answers (ProblemDetailsFilter), as the API documents show them. */
export const problemDetailsSchema = z.looseObject({
  type: z.string().meta({ description: '`about:blank` unless a more specific type applies' }),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  errors: z.array(z.string()).optional().meta({ description: 'A request refused by validation: each bad field, as `body.reason: …`' }),
}).meta({ description: 'RFC 9457 problem details (application/problem+json); a route may add members of its own' });

// The filter's type and this schema stay one shape.
const _sameShape: ProblemDetails = {} as z.infer<typeof problemDetailsSchema>;
void _sameShape;
