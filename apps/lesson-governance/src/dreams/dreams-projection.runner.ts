import { dreamEventSchema } from '@reverie/contracts';
import { projectionRunner } from '@reverie/service-kit';
import { governanceDreamsProjection } from './governance-dreams.projection';

/** Starts the DREAMS projection once the app is up; service-kit stops it before NATS drains. */
export const DreamsProjectionRunner = projectionRunner({
  stream: 'dreams', purpose: 'dreams-projection', parser: dreamEventSchema, projection: governanceDreamsProjection,
});
