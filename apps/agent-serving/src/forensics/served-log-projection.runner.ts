import { servingEventSchema } from '@reverie/contracts';
import { projectionRunner } from '@reverie/service-kit';
import { servedLogProjection } from './served-log.projection';

/** Keeps the forensics tables current with SERVING. */
export const ServedLogProjectionRunner = projectionRunner({
  stream: 'serving', purpose: 'served-log', parser: servingEventSchema, projection: servedLogProjection,
});
