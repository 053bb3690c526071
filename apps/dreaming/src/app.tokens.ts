/** Injection tokens of the dreaming app (the connections come from service-kit's InfrastructureModule). */
export const LOGGER = Symbol('LOGGER');
export const CLOCK = Symbol('CLOCK');
export const LESSON_WRITER = Symbol('LESSON_WRITER');

/** The time source: injected so the dream's events carry a controllable clock. */
export type Clock = () => Date;
