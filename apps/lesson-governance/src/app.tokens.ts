/** Injection tokens of this service (LOGGER and CLOCK are service-kit's, the connections come from its InfrastructureModule). */
export const GOVERNANCE_CONFIG = Symbol('GOVERNANCE_CONFIG');
export { CLOCK, LOGGER, type Clock } from '@reverie/service-kit';
