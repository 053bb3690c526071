import { sessionEventSchema } from '@reverie/contracts';
import { BatchError } from './problem-json';
import { validateBatch } from './validate-batch';

/** mulberry32: a small seeded PRNG, so a failing case can be replayed from its seed. */
function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ctx = { tenantId: 'acme', now: '2025-01-15T10:00:00.000Z', limits: { maxBatchEvents: 50, maxEventBytes: 64 * 1024, maxDepth: 32, maxBodyBytes: 1 << 20 } };
const TYPES = ['SessionStarted', 'UserMessageRecorded', 'AssistantMessageRecorded', 'ToolCallRecorded', 'ToolResultRecorded', 'FeedbackRecorded', 'CompactionRecorded', 'SessionEnded', 'Bogus', ''];

function validEvent(r: () => number, i: number): Record<string, unknown> {
  const type = TYPES[Math.floor(r() * 8)];
  const data: Record<string, Record<string, unknown>> = {
    SessionStarted: { seq: 0, agentId: 'agent-1', source: 'native', startedAt: '2025-01-15T09:00:00Z' },
    UserMessageRecorded: { seq: i, text: 'please fix the build' },
    AssistantMessageRecorded: { seq: i, text: 'done', model: 'claude' },
    ToolCallRecorded: { seq: i, toolCallId: `t${i}`, toolName: 'Bash', input: { command: 'ls', args: [1, 'a', { b: null }] } },
    ToolResultRecorded: { seq: i, toolCallId: `t${i}`, output: 'ok', isError: r() < 0.5 },
    FeedbackRecorded: { seq: i, kind: 'thumbs_up' },
    CompactionRecorded: { seq: i, trigger: 'auto', preTokens: 1000 },
    SessionEnded: { seq: i, outcome: 'success', reward: 1 },
  };
  return {
    id: `ev-${i}`, type, streamId: 's1', occurredAt: '2025-01-15T09:00:00Z',
    actor: { kind: 'agent', id: 'a1' }, correlationId: 's1', data: data[type],
    ...(r() < 0.3 && { tenantId: 'acme' }), ...(r() < 0.3 && { schemaVersion: 1 }),
  };
}

function junk(r: () => number, depth = 0): unknown {
  const k = Math.floor(r() * 16);
  switch (k) {
    case 0: return null;
    case 1: return r() < 0.5 ? NaN : r() < 0.5 ? Infinity : -Infinity;
    case 2: return Math.floor(r() * 1e6) * (r() < 0.5 ? -1 : 1);
    case 3: return 'x'.repeat(Math.floor(r() * 100_000));
    case 4: return String.fromCharCode(...Array.from({ length: 8 }, () => Math.floor(r() * 0xffff)));
    case 5: return r() < 0.5;
    case 6: return undefined;
    case 7: { let v: unknown = 'leaf'; for (let i = 0; i < r() * 200; i++) v = r() < 0.5 ? [v] : { n: v }; return v; }
    case 8: return JSON.parse('{"__proto__": {"isAdmin": true}, "constructor": {"prototype": {"x": 1}}}');
    case 9: return depth > 3 ? {} : Array.from({ length: Math.floor(r() * 5) }, () => junk(r, depth + 1));
    case 10: return depth > 3 ? [] : Object.fromEntries(Array.from({ length: Math.floor(r() * 5) }, (_, i) => [`k${i}`, junk(r, depth + 1)]));
    case 11: return new Date(0);
    case 12: return '\uD800';
    case 13: return BigInt(1);
    case 14: return () => 1;
    default: return TYPES[Math.floor(r() * TYPES.length)];
  }
}

/** A valid event with one to three fields replaced, deleted or nested into junk. */
function mutate(r: () => number, e: Record<string, unknown>): unknown {
  const out = structuredClone(e) as Record<string, unknown>;
  for (let m = 0; m < 1 + Math.floor(r() * 3); m++) {
    const data = out.data;
    const target = r() < 0.5 || data === null || typeof data !== 'object' ? out : (data as Record<string, unknown>);
    const keys = Object.keys(target);
    const key = r() < 0.8 ? keys[Math.floor(r() * keys.length)] : ['tenantId', '__proto__', 'recordedAt', 'extra'][Math.floor(r() * 4)];
    if (r() < 0.2) delete target[key];
    else Object.defineProperty(target, key, { value: junk(r), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function body(r: () => number): unknown {
  const k = r();
  if (k < 0.05) return junk(r);
  if (k < 0.08) return { events: junk(r) };
  if (k < 0.1) return { events: Array.from({ length: 51 }, (_, i) => validEvent(r, i)) };
  const n = Math.floor(r() * 12);
  return {
    events: Array.from({ length: n }, (_, i) => {
      const p = r();
      if (p < 0.35) return validEvent(r, i);
      if (p < 0.85) return mutate(r, validEvent(r, i));
      return junk(r);
    }),
  };
}

describe('fuzz: validateBatch on thousands of malformed bodies', () => {
  it.each([1, 2, 3])('seed %i', (seed) => {
    const r = prng(seed);
    let valid = 0;
    let rejected = 0;
    let batchErrors = 0;
    for (let n = 0; n < 1500; n++) {
      const input = body(r);
      let result;
      try {
        result = validateBatch(input, ctx);
      } catch (e) {
        if (!(e instanceof BatchError)) throw new Error(`seed ${seed} body ${n}: threw ${String(e)}`);
        expect([400, 413]).toContain(e.status);
        expect(e.detail.length).toBeGreaterThan(0);
        batchErrors++;
        continue;
      }
      const events = (input as { events: unknown[] }).events;
      for (const rej of result.rejected) {
        expect(rej.reason.trim().length).toBeGreaterThan(0);
        expect(Number.isInteger(rej.index) && rej.index >= 0 && rej.index < events.length).toBe(true);
      }
      for (const v of result.valid) {
        const parsed = sessionEventSchema.safeParse(v.event);
        if (!parsed.success) throw new Error(`seed ${seed} body ${n}: valid event ${v.index} does not parse: ${parsed.error.message}`);
        expect(v.event.tenantId).toBe('acme');
        expect(v.event.recordedAt).toBe(ctx.now);
        expect(JSON.parse(JSON.stringify(v.event))).toEqual(v.event);
      }
      const validIdx = new Set(result.valid.map((v) => v.index));
      const rejectedIdx = new Set(result.rejected.map((x) => x.index));
      expect([...validIdx].filter((i) => rejectedIdx.has(i))).toEqual([]);
      expect(validIdx.size + rejectedIdx.size).toBe(events.length);
      valid += validIdx.size;
      rejected += rejectedIdx.size;
    }
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    // The generator must exercise all three outcomes, or the properties above prove little.
    expect(valid).toBeGreaterThan(500);
    expect(rejected).toBeGreaterThan(1000);
    expect(batchErrors).toBeGreaterThan(50);
  });
});
