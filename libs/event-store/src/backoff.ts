/** Exponential backoff for `nak(delay)`: 250 ms, 500 ms, 1 s, … capped at 30 s. */
export function backoffMs(deliveryCount: number, baseMs = 250, maxMs = 30_000): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, deliveryCount - 1));
}
