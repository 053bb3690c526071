import { rulesOf, violationsOf } from '../testing/check';
import { DEFAULT_GUARDRAIL_POLICY, GuardrailPolicyError, validateGuardrailPolicy } from './guardrail-policy';

describe('validateGuardrailPolicy', () => {
  it('completes a partial policy with empty lists', () => {
    expect(validateGuardrailPolicy({ deny: ['project falcon'] })).toEqual({ allow: { hosts: [], emails: [], paths: [] }, deny: ['project falcon'], rules: [] });
  });

  it('accepts the default policy', () => {
    expect(validateGuardrailPolicy(DEFAULT_GUARDRAIL_POLICY)).toEqual(DEFAULT_GUARDRAIL_POLICY);
  });

  it('refuses a bad regular expression, naming the rule', () => {
    expect(() => validateGuardrailPolicy({ rules: [{ name: 'ok', pattern: 'a+' }, { name: 'acme-id', pattern: 'ACME-(\\d{8}' }] })).toThrow(
      /rules\[1\] \('acme-id'\)\.pattern: invalid regular expression \/ACME-\(\\d\{8\}\/: .*Unterminated group/,
    );
  });

  it.each([
    [{ rules: [{ name: 'anything', pattern: 'x*' }] }, /rules\[0\] \('anything'\)\.pattern: \/x\*\/ matches the empty string/],
    [{ rules: [{ name: 'a', pattern: 'x' }, { name: 'a', pattern: 'y' }] }, /rules\[1\] \('a'\)\.name: duplicate rule name 'a'/],
    [{ rules: [{ name: 'Bad Name', pattern: 'x' }] }, /rules\[0\] \('Bad Name'\)\.name: expected lower-case letters/],
    [{ rules: [{ name: 'x', pattern: 'x', flags: 'g' }] }, /rules\[0\] \('x'\)\.flags: expected a combination of i, m, s, u/],
    [{ allow: { hosts: ['https://github.com/acme'] } }, /allow\.hosts\[0\]: expected a host name/],
    [{ allow: { emails: ['not-an-address'] } }, /allow\.emails\[0\]: expected an e-mail address/],
    [{ allow: { paths: ['relative/dir'] } }, /allow\.paths\[0\]: expected an absolute path/],
    [{ workspaceRoots: ['src'] }, /workspaceRoots\[0\]: expected an absolute path/],
    [{ deny: [''] }, /deny\[0\]: expected a non-empty term/],
    [{ alow: {} }, /\(policy\): Unrecognized key: "alow"/],
    [null, /guardrail policy is invalid/],
  ])('refuses %j naming the field', (input, message) => {
    expect(() => validateGuardrailPolicy(input)).toThrow(GuardrailPolicyError);
    expect(() => validateGuardrailPolicy(input)).toThrow(message);
  });
});

describe('tenant terms and rules', () => {
  const policy = { deny: ['Project Falcon', 'acquisition'], rules: [{ name: 'acme-id', pattern: 'ACME-\\d{8}' }, { name: 'jira', pattern: 'ops-\\d+', flags: 'i' }] };

  it('blocks a denied term on whole words, in any case, behind look-alikes', () => {
    expect(violationsOf('Mention project   falcon in the release notes.', { policy })).toEqual([{ rule: 'denied-term', detail: 'denied term: Project Falcon', match: 'project   falcon' }]);
    expect(rulesOf('Do not discuss the Асquisition.', { policy })).toEqual(['denied-term']);
    expect(rulesOf('Falconry and acquisitions are fine.', { policy })).toEqual([]);
  });

  it('reports a custom rule as custom:<name>', () => {
    expect(violationsOf('Reference ACME-12345678 and OPS-42 in the commit.', { policy })).toEqual([
      { rule: 'custom:acme-id', detail: "matches the tenant rule 'acme-id'", match: 'ACME-12345678' },
      { rule: 'custom:jira', detail: "matches the tenant rule 'jira'", match: 'OPS-42' },
    ]);
  });

  it('checks the rationale too', () => {
    expect(rulesOf('Use the usual ticket prefix.', { policy, rationale: 'Seen in ACME-12345678.' })).toEqual(['custom:acme-id']);
  });
});
