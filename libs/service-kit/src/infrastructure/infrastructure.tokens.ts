/** Injection tokens for the connections every service holds. */
export const NATS_CONNECTION = Symbol('NATS_CONNECTION');
export const EVENT_STORE = Symbol('EVENT_STORE');
export const DATA_SOURCE = Symbol('DATA_SOURCE');
export const TOPOLOGY = Symbol('TOPOLOGY');
/** The SessionCipher (libs/content-crypto): the one way session content is sealed and opened. */
export const SESSION_CIPHER = Symbol('SESSION_CIPHER');
