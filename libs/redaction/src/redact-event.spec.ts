import { createHash, createHmac } from 'node:crypto';
import { createRedactor, pseudonymFor } from './redactor';
import { PseudonymKeyError, type PseudonymKeyProvider } from './redaction.types';

/** What session-ingest does: each tenant's key is HMAC(deployment key, 'reverie-pseudonym:' + tenant). */
const keysFrom = (deploymentKey: string): PseudonymKeyProvider => (tenantId) => createHmac('sha256', deploymentKey).update(`reverie-pseudonym:${tenantId}`).digest();
const KEYS = keysFrom('spec-deployment-key-0123456789abcdef');
const forTenant = (tenantId: string, keys = KEYS) => createRedactor({}, { tenantId, pseudonymKey: keys });

const redactor = forTenant('acme');

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
  const jane = 'jane.doe@example.com';
  const janeEvent = { actor: { kind: 'user', id: jane }, data: { userId: jane, text: 'hi', toolCallId: 'toolu_01ABC' } };

  it('replaces an e-mail used as userId or actor id by a stable pseudonym and counts it', () => {
    const r = forTenant('acme');
    const out = r.redactEvent(janeEvent);
    const again = r.redactEvent(janeEvent);
    expect(JSON.stringify(out)).not.toContain(jane);
    expect(out.data.userId).toMatch(/^pseudonym-[0-9a-f]{20}$/);
    expect(out.actor.id).toBe(out.data.userId);
    expect(again.data.userId).toBe(out.data.userId);
    expect(out.data.toolCallId).toBe('toolu_01ABC');
    expect(out.redactions).toEqual({ email: 2 });
  });

  it('is keyed: not the bare SHA-256 of the id anyone could recompute, but the HMAC with the tenant key', () => {
    const out = forTenant('acme').redactEvent(janeEvent);
    const bare = `pseudonym-${createHash('sha256').update(jane).digest('hex').slice(0, 20)}`;
    expect(out.data.userId).not.toBe(bare);
    expect(out.data.userId).toBe(`pseudonym-${createHmac('sha256', KEYS('acme')).update(jane).digest('hex').slice(0, 20)}`);
    expect(out.data.userId).toBe(pseudonymFor(KEYS('acme'), jane));
    // Phone numbers used as ids too.
    const phone = forTenant('acme').redactEvent({ data: { userId: '+1 415 555 0134' } });
    expect(phone.data.userId).toBe(pseudonymFor(KEYS('acme'), '+1 415 555 0134'));
  });

  it('is stable within a tenant (across redactors and restarts) and differs across tenants and deployment keys', () => {
    const acme1 = forTenant('acme').redactEvent(janeEvent).data.userId;
    const acme2 = forTenant('acme').redactEvent({ ...janeEvent, tenantId: 'acme' }).data.userId;
    const globex = forTenant('globex').redactEvent(janeEvent).data.userId;
    const otherDeployment = forTenant('acme', keysFrom('another-deployment-key-fedcba9876543210')).redactEvent(janeEvent).data.userId;
    expect(acme2).toBe(acme1);
    expect(globex).toMatch(/^pseudonym-[0-9a-f]{20}$/);
    expect(new Set([acme1, globex, otherDeployment]).size).toBe(3);
    expect(forTenant('acme').redactEvent({ data: { userId: 'john@example.com' } }).data.userId).not.toBe(acme1);
  });

  it('asks the provider once, for its own tenant, and copies the key', () => {
    const asked: string[] = [];
    const buffer = Buffer.from(KEYS('acme'));
    const r = createRedactor({}, { tenantId: 'acme', pseudonymKey: (t) => { asked.push(t); return buffer; } });
    const before = r.redactEvent(janeEvent).data.userId;
    buffer.fill(0);
    expect(r.redactEvent(janeEvent).data.userId).toBe(before);
    expect(asked).toEqual(['acme']);
  });

  it('refuses to pseudonymize without a key, with a key too short, or for another tenant, never echoing the id', () => {
    const errorOf = (fn: () => unknown) => { try { fn(); } catch (e) { return e as Error; } throw new Error('expected an error'); };
    const noKey = errorOf(() => createRedactor().redactEvent(janeEvent));
    expect(noKey).toBeInstanceOf(PseudonymKeyError);
    expect(noKey.message).not.toContain(jane);
    expect(createRedactor().redactText(`mail ${jane}`).text).toBe('mail [REDACTED:email]');
    expect(errorOf(() => createRedactor({}, { tenantId: 'acme', pseudonymKey: () => new Uint8Array(8) }))).toBeInstanceOf(PseudonymKeyError);
    expect(errorOf(() => createRedactor({}, { tenantId: 'acme', pseudonymKey: () => 'a string' as never })).message).toMatch(/at least 16 bytes/);
    const wrongTenant = errorOf(() => forTenant('acme').redactEvent({ ...janeEvent, tenantId: 'globex' }));
    expect(wrongTenant).toBeInstanceOf(PseudonymKeyError);
    expect(wrongTenant.message).not.toContain(jane);
  });

  it('keeps ordinary identifiers as they are (no key needed)', () => {
    const out = createRedactor().redactEvent({ actor: { kind: 'user', id: 'u-42' }, data: { userId: 'u-42', agentId: 'release-bot' } });
    expect(out.actor.id).toBe('u-42');
    expect(out.data).toEqual({ userId: 'u-42', agentId: 'release-bot' });
    expect(out.redactions).toBeUndefined();
  });
});
