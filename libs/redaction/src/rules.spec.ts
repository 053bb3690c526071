import { createRedactor } from './redactor';
import { RedactionRulesError } from './redaction.types';
import { parseTenantRedactionRules, rulesForTenant } from './tenant-rules';

describe('redaction rules', () => {
  it('disabled kinds are left in the text', () => {
    const r = createRedactor({ disabled: ['ip_address'] });
    expect(r.redactText('from 203.0.113.42 by a@b.io')).toEqual({ text: 'from 203.0.113.42 by [REDACTED:email]', counts: { email: 1 } });
  });

  it('custom rules redact under their own kind, before the built-in detectors', () => {
    const r = createRedactor({ custom: [{ kind: 'employee_id', pattern: 'EMP-\\d{6}' }, { kind: 'project', pattern: 'project\\s+falcon', flags: 'i' }] });
    expect(r.redactText('EMP-123456 works on Project Falcon')).toEqual({
      text: '[REDACTED:employee_id] works on [REDACTED:project]',
      counts: { employee_id: 1, project: 1 },
    });
  });

  it('allowlisted values are never redacted', () => {
    const r = createRedactor({ allowlist: ['support@acme.io'] });
    expect(r.redactText('write to support@acme.io or bob@acme.io')).toEqual({
      text: 'write to support@acme.io or [REDACTED:email]',
      counts: { email: 1 },
    });
  });

  it.each([
    [{ custom: [{ kind: 'x', pattern: '(unclosed' }] }, /custom\[0\] \(kind 'x'\)\.pattern: invalid regular expression \/\(unclosed\/: /],
    [{ custom: [{ kind: 'x', pattern: 'a*' }] }, /custom\[0\] \(kind 'x'\)\.pattern: \/a\*\/ matches the empty string/],
    [{ custom: [{ kind: 'Bad Kind', pattern: 'a' }] }, /custom\[0\] \(kind 'Bad Kind'\)\.kind: expected lower-case letters/],
    [{ custom: [{ kind: 'x', pattern: 'a', flags: 'gx' }] }, /custom\[0\] \(kind 'x'\)\.flags: expected a combination of i, m, s, u, y/],
    [{ disabled: ['emial'] }, /disabled: unknown redaction kind "emial"; known kinds: private_key, anthropic_key, .*email/],
    [{ allowlist: [42] }, /allowlist must be an array of strings/],
  ])('rejects bad rules with an error naming the rule: %j', (rules, message) => {
    expect(() => createRedactor(rules as never)).toThrow(RedactionRulesError);
    expect(() => createRedactor(rules as never)).toThrow(message);
  });
});

describe('parseTenantRedactionRules', () => {
  it('parses the JSON text of REVERIE_REDACTION_RULES and resolves a tenant with the * default', () => {
    const all = parseTenantRedactionRules('{"acme": {"disabled": ["phone"]}, "*": {"allowlist": ["ops@corp.io"]}}');
    expect(rulesForTenant(all, 'acme')).toEqual({ disabled: ['phone'] });
    expect(rulesForTenant(all, 'globex')).toEqual({ allowlist: ['ops@corp.io'] });
    expect(rulesForTenant({}, 'globex')).toEqual({});
  });

  it.each([
    ['{not json', /redaction rules: not valid JSON/],
    ['[]', /expected an object keyed by tenant id, received array/],
    [{ 'acme.prod': {} }, /'acme\.prod' is not a tenant id/],
    [{ acme: { disable: ['phone'] } }, /tenant 'acme': unknown field\(s\) disable; expected disabled, custom, allowlist/],
    [{ acme: { custom: [{ kind: 'x', pattern: '[' }] } }, /tenant 'acme': custom\[0\] \(kind 'x'\)\.pattern: invalid regular expression/],
    [{ acme: 'strict' }, /tenant 'acme': expected an object/],
  ])('rejects %j', (input, message) => {
    expect(() => parseTenantRedactionRules(input)).toThrow(message);
  });
});
