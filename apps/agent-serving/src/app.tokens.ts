export const SERVING_CONFIG = Symbol('SERVING_CONFIG');
export const LOGGER = Symbol('LOGGER');
/** `() => Date`: stamps LessonsServed events; tests may pin it. */
export const CLOCK = Symbol('CLOCK');
export type Clock = () => Date;
