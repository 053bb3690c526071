/** Injection tokens of the dreaming app (LOGGER and CLOCK are service-kit's, the connections come from its InfrastructureModule). */
export const LESSON_WRITER = Symbol('LESSON_WRITER');
export { CLOCK, LOGGER, type Clock } from '@reverie/service-kit';
