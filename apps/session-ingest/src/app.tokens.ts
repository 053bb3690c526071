/** Injection tokens of this service (the connections come from service-kit's InfrastructureModule). */
export const INGEST_CONFIG = Symbol('INGEST_CONFIG');
export const LOGGER = Symbol('LOGGER');
/** `() => Date`: the server clock that stamps `recordedAt`; tests may pin it. */
export const CLOCK = Symbol('CLOCK');
export type Clock = () => Date;
