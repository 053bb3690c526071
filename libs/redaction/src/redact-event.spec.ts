import { createRedactor } from './redactor';

const redactor = createRedactor();

describe('redactEvent', () => {
  const event = {
    id: 'e1',
    type: 'ToolCallRecorded',
    tenantId: 'acme',
    redactions: { email: 2 },
    data: {
      seq: 3,
      toolCallId: 'toolu_01FPWXTwsfd3wKFT1cfSakiA',
      toolName: 'Bash',
      input: { command: 'curl -u bob@acme.io:pw https://203.0.113.9/api', env: [{ name: 'PASSWORD', value: 'password=Tr0ub4dor&3' }], retries: 2, dryRun: false, nothing: null },
    },
  };

  it('redacts every string in data deeply and merges the counts', () => {
    const out = redactor.redactEvent(event);
    expect(out.data.input.command).toBe('curl -u [REDACTED:email]:pw https://[REDACTED:ip_address]/api');
    expect(out.data.input.env[0].value).toBe('password=[REDACTED:secret_assignment]');
    expect(out.data.input).toMatchObject({ retries: 2, dryRun: false, nothing: null });
    expect(out.redactions).toEqual({ email: 3, ip_address: 1, secret_assignment: 1 });
    expect(JSON.stringify(out)).not.toMatch(/bob@acme\.io|203\.0\.113\.9|Tr0ub4dor/);
  });

  it('returns a new event and leaves the input untouched', () => {
    const before = JSON.stringify(event);
    const out = redactor.redactEvent(event);
    expect(out).not.toBe(event);
    expect(out.data).not.toBe(event.data);
    expect(JSON.stringify(event)).toBe(before);
  });

  it('keeps envelope fields and pseudonymizes a personal identifier', () => {
    const out = redactor.redactEvent({ id: 'a@b.io', data: { seq: 0, userId: 'alice@acme.io', agentId: 'agent-1', text: 'from alice@acme.io' } });
    expect(out.id).toBe('a@b.io');
    expect(out.data).toEqual({ seq: 0, userId: expect.stringMatching(/^pseudonym-/), agentId: 'agent-1', text: 'from [REDACTED:email]' });
  });

  it('does not add redactions when nothing was found', () => {
    const out = redactor.redactEvent({ data: { text: 'hello' } });
    expect(out).toEqual({ data: { text: 'hello' } });
    expect('redactions' in out).toBe(false);
  });

  it('keeps a __proto__ key as data without touching any prototype', () => {
    const data = JSON.parse('{"input": {"__proto__": {"polluted": "x@y.io"}}}');
    const out = redactor.redactEvent({ data });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const input = (out.data as { input: object }).input;
    expect(Object.getPrototypeOf(input)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(input, '__proto__')?.value).toEqual({ polluted: '[REDACTED:email]' });
  });

  it('redacts 10,000 typical events correctly', () => {
    const events = Array.from({ length: 10_000 }, (_, i) => ({
      id: `e${i}`,
      data: {
        seq: i,
        toolCallId: `toolu_${i}`,
        output: `$ npm test\n> jest --ci\nPASS src/user-${i}.spec.ts (1.${i % 10}s)\n  ✓ sends mail to user${i}@corp.example (12 ms)\nTests: ${i} passed at 2025-01-15T10:30:${String(i % 60).padStart(2, '0')}Z, commit 3f786850e387550fdab836ed7e6dc881de23001b`,
        isError: false,
      },
    }));
    const out = events.map((e) => redactor.redactEvent(e));
    expect(out.every((e, i) => e.redactions?.email === 1 && Object.keys(e.redactions).length === 1 && !e.data.output.includes(`user${i}@`))).toBe(true);
    expect(out[42].data.output).toContain('commit 3f786850e387550fdab836ed7e6dc881de23001b');
  });
});

describe('identifiers that are personal data', () => {
  it('replaces an e-mail used as userId or actor id by a stable pseudonym and counts it', () => {
    const r = createRedactor();
    const event = { actor: { kind: 'user', id: 'jane.doe@example.com' }, data: { userId: 'jane.doe@example.com', text: 'hi', toolCallId: 'toolu_01ABC' } };
    const out = r.redactEvent(event);
    const again = r.redactEvent(event);
    expect(JSON.stringify(out)).not.toContain('jane.doe@example.com');
    expect(out.data.userId).toMatch(/^pseudonym-[0-9a-f]{20}$/);
    expect(out.actor.id).toBe(out.data.userId);
    expect(again.data.userId).toBe(out.data.userId);
    expect(out.data.toolCallId).toBe('toolu_01ABC');
    expect(out.redactions).toEqual({ email: 2 });
  });

  it('keeps ordinary identifiers as they are', () => {
    const out = createRedactor().redactEvent({ actor: { kind: 'user', id: 'u-42' }, data: { userId: 'u-42', agentId: 'release-bot' } });
    expect(out.actor.id).toBe('u-42');
    expect(out.data).toEqual({ userId: 'u-42', agentId: 'release-bot' });
    expect(out.redactions).toBeUndefined();
  });
});
