import { createHash, randomUUID } from 'node:crypto';

/** A random id for new events and aggregates. */
export const newId = (): string => randomUUID();

/**
 * A deterministic id (UUID-shaped, from SHA-256) for things that must be the same every time
 * they are derived from the same input: imported events, lesson ids from fingerprints.
 * Deterministic ids are what make re-imports and re-dreams idempotent.
 */
export function deterministicId(...parts: string[]): string {
  const h = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16], 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
