import { z } from 'zod';
import type { GuardrailPolicy } from '../guardrail.types';

export class GuardrailPolicyError extends Error {
  override readonly name = 'GuardrailPolicyError';
}

const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const HOST = new RegExp(`^(?:\\*\\.)?${LABEL}(?:\\.${LABEL})*\\.?$`, 'i');
const IP = /^(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9a-f:]*:[0-9a-f:]*)$/i;
const EMAIL = /^(?:[^\s@]+@|@)[^\s@]+\.[^\s@.]+$/;
/** Absolute: `/x`, `~`, `$HOME`, `${HOME}`, `%USERPROFILE%`, `C:\` or `C:/`, `\\server`. */
const ABSOLUTE_PATH = /^(?:\/|~(?:\/|$)|\$HOME\b|\$\{HOME\}|%USERPROFILE%|[A-Za-z]:[\\/]|\\\\)/;
export const RULE_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;

const host = z.string().max(253).refine((h) => HOST.test(h) || IP.test(h), {
  message: 'expected a host name (`github.com`, `*.acme.io`) or an IP address, without scheme, port or path',
});
const email = z.string().max(320).regex(EMAIL, 'expected an e-mail address (`ops@acme.io`) or a domain (`@acme.io`)');
const path = z.string().min(1).max(1024).regex(ABSOLUTE_PATH, 'expected an absolute path (`/etc/hosts`, `~/.config/acme`, `C:\\tools`)');
const term = z.string().trim().min(1, 'expected a non-empty term').max(200);

const ruleSchema = z.object({
  name: z.string().regex(RULE_NAME, 'expected lower-case letters, digits, - and _ (1-64, starting with a letter or digit)'),
  pattern: z.string().min(1, 'expected a non-empty regular expression source').max(1000),
  flags: z.string().regex(/^[imsu]*$/, 'expected a combination of i, m, s, u (g is always added)').optional(),
}).strict();

/** A regular expression from a tenant rule, or the reason it is refused. */
export function compileRuleRegex(rule: { pattern: string; flags?: string }): RegExp | string {
  let re: RegExp;
  try {
    re = new RegExp(rule.pattern, `${[...new Set(rule.flags ?? '')].join('')}g`);
  } catch (e) {
    return `invalid regular expression /${rule.pattern}/: ${(e as Error).message}`;
  }
  if (re.test('')) return `/${rule.pattern}/ matches the empty string, so it would match every lesson`;
  re.lastIndex = 0;
  return re;
}

const policySchema = z.object({
  allow: z.object({
    hosts: z.array(host).max(1000).default([]),
    emails: z.array(email).max(1000).default([]),
    paths: z.array(path).max(1000).default([]),
  }).strict().default({ hosts: [], emails: [], paths: [] }),
  deny: z.array(term).max(1000).default([]),
  rules: z.array(ruleSchema).max(200).default([]),
  workspaceRoots: z.array(path).max(100).optional(),
}).strict().superRefine((policy, ctx) => {
  const seen = new Set<string>();
  policy.rules.forEach((rule, i) => {
    if (seen.has(rule.name)) ctx.addIssue({ code: 'custom', path: ['rules', i, 'name'], message: `duplicate rule name '${rule.name}'` });
    seen.add(rule.name);
    const compiled = compileRuleRegex(rule);
    if (typeof compiled === 'string') ctx.addIssue({ code: 'custom', path: ['rules', i, 'pattern'], message: compiled });
  });
});

function where(issuePath: PropertyKey[], input: unknown): string {
  let out = '';
  for (const p of issuePath) out += typeof p === 'number' ? `[${p}]` : `${out ? '.' : ''}${String(p)}`;
  // Name the rule, not only its index: rules[2] ('acme-id').pattern.
  if (issuePath[0] === 'rules' && typeof issuePath[1] === 'number') {
    const name = (input as { rules?: Array<{ name?: unknown }> })?.rules?.[issuePath[1]]?.name;
    if (typeof name === 'string') out = out.replace(/^rules\[(\d+)\]/, `rules[$1] ('${name}')`);
  }
  return out || '(policy)';
}

/**
 * A tenant's guardrail policy checked and completed with empty lists; throws a
 * GuardrailPolicyError naming every bad field, and each refused regular expression with its rule.
 */
export function validateGuardrailPolicy(input: unknown): GuardrailPolicy {
  const result = policySchema.safeParse(input);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${where(i.path, input)}: ${i.message}`);
    throw new GuardrailPolicyError(`guardrail policy is invalid: ${problems.join('; ')}`);
  }
  return result.data as GuardrailPolicy;
}

/**
 * The policy of a tenant that has not set one. Nothing outside the machine is allowed; what is
 * allowed is harmless to mention: loopback and the names reserved for examples and tests
 * (RFC 2606, RFC 6761), the null device and standard streams, the system's program and library
 * folders, which hold no user data (`/bin/bash`, `/usr/bin/env`, `/usr/local/cuda` in an error
 * message or a set-up step), and the shared scratch folder `/tmp`.
 * Loopback addresses (127.0.0.0/8, ::1) and 0.0.0.0 are never taken for a destination at all.
 */
export const DEFAULT_GUARDRAIL_POLICY: GuardrailPolicy = deepFreeze({
  allow: {
    hosts: ['localhost', 'example.com', 'example.org', 'example.net', 'example', 'test', 'invalid'],
    emails: [],
    paths: ['/dev/null', '/dev/stdin', '/dev/stdout', '/dev/stderr', '/bin/', '/usr/', '/tmp/'],
  },
  deny: [],
  rules: [],
});

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
