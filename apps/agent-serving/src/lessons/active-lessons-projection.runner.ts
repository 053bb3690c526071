import { lessonsStreamEventSchema } from '@reverie/contracts';
import { projectionRunner } from '@reverie/service-kit';
import { activeLessonsProjection } from './active-lessons.projection';

/**
 * Keeps the serving index current. The runner commits as soon as the consumer has nothing
 * pending, so an approval reaches agents within one fetch round trip and one transaction.
 */
export const ActiveLessonsProjectionRunner = projectionRunner({
  stream: 'lessons', purpose: 'active-lessons', parser: lessonsStreamEventSchema, projection: activeLessonsProjection,
});
