import type { Envelope } from '@reverie/contracts';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export const encodeEvent = (event: Envelope): Uint8Array => encoder.encode(JSON.stringify(event));

/** Throws on invalid UTF-8 or JSON; callers treat that as a poison message. */
export const decodeJson = (data: Uint8Array): unknown => JSON.parse(decoder.decode(data));
