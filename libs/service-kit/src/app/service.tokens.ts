/** The service's pino logger (provided by `serviceAppModule` to every module). */
export const LOGGER = Symbol('LOGGER');
/** `() => Date`: the service's time source, provided by `serviceAppModule`; tests may pin it. */
export const CLOCK = Symbol('CLOCK');
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();
