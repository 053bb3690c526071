/** Injection tokens of this service (the connections come from service-kit's InfrastructureModule). */
export const GOVERNANCE_CONFIG = Symbol('GOVERNANCE_CONFIG');
export const LOGGER = Symbol('LOGGER');
/** `() => Date`: the clock the controllers put into command metadata; tests may pin it. */
export const CLOCK = Symbol('CLOCK');
export type Clock = () => Date;
