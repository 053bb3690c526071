import { lessonsStreamEventSchema } from '@reverie/contracts';
import { projectionRunner } from '@reverie/service-kit';
import { governanceLessonsProjection } from './governance-lessons.projection';

/** Starts the LESSONS projection once the app is up; service-kit stops it before NATS drains. */
export const LessonsProjectionRunner = projectionRunner({
  stream: 'lessons', purpose: 'lessons-projection', parser: lessonsStreamEventSchema, projection: governanceLessonsProjection,
});
