import type { GuardrailPolicy } from '../guardrail.types';
import { foldString } from '../text/unicode-fold';
import { compileRuleRegex, GuardrailPolicyError } from './guardrail-policy';

/** A policy ready to match with: lists normalised, terms and rules compiled. */
export interface CompiledPolicy {
  hosts: string[];
  emails: string[];
  paths: string[];
  workspaceRoots: string[];
  deny: Array<{ term: string; pattern: RegExp }>;
  rules: Array<{ name: string; pattern: RegExp }>;
}

/**
 * A path as the rules compare it: `/` separators, the home folder as `~`, the drive letter in
 * lower case, `.` and `..` segments resolved (a `..` above the root stays at the root).
 */
export function normalizePath(path: string): string {
  let p = path.trim().replace(/\\/g, '/');
  p = p.replace(/^(?:\$HOME\b|\$\{HOME\}|%USERPROFILE%|\$env:USERPROFILE\b|%HOMEPATH%)/i, '~');
  p = p.replace(/^([A-Za-z]):/, (_m, d: string) => `${d.toLowerCase()}:`);
  const rootMatch = /^(?:~|[a-z]:|\/\/[^/]+)?\/?/.exec(p);
  const root = rootMatch ? rootMatch[0] : '';
  const segments: string[] = [];
  for (const s of p.slice(root.length).split('/')) {
    if (s === '' || s === '.') continue;
    if (s === '..') segments.pop();
    else segments.push(s);
  }
  const joined = segments.join('/');
  if (!root) return joined;
  return root.endsWith('/') ? root + joined : joined ? `${root}/${joined}` : root;
}

/** True when `path` is `prefix` or below it. */
export function underPrefix(path: string, prefix: string): boolean {
  if (prefix === '/' ) return path.startsWith('/');
  const p = prefix.replace(/\/+$/, '');
  return path === p || path.startsWith(`${p}/`);
}

/** True when `host` is `entry` or one of its subdomains (`api.github.com` under `github.com`). */
export function hostUnder(host: string, entry: string): boolean {
  return host === entry || host.endsWith(`.${entry}`);
}

function termPattern(term: string): RegExp {
  const folded = foldString(term).toLowerCase().trim();
  const body = folded.split(/\s+/).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[\\s_-]+');
  const lead = /^[\p{L}\p{N}_]/u.test(folded) ? '(?<![\\p{L}\\p{N}_])' : '';
  const tail = /[\p{L}\p{N}_]$/u.test(folded) ? '(?![\\p{L}\\p{N}_])' : '';
  return new RegExp(`${lead}${body}${tail}`, 'giu');
}

const compiled = new WeakMap<GuardrailPolicy, CompiledPolicy>();

/** The compiled form of a validated policy (cached per policy object). */
export function compilePolicy(policy: GuardrailPolicy): CompiledPolicy {
  const hit = compiled.get(policy);
  if (hit) return hit;
  const rules = policy.rules.map((rule) => {
    const pattern = compileRuleRegex(rule);
    if (typeof pattern === 'string') throw new GuardrailPolicyError(`rule '${rule.name}': ${pattern}`);
    return { name: rule.name, pattern };
  });
  const out: CompiledPolicy = {
    hosts: policy.allow.hosts.map((h) => h.toLowerCase().replace(/^\*\./, '').replace(/\.$/, '')),
    emails: policy.allow.emails.map((e) => e.toLowerCase()),
    paths: policy.allow.paths.map(normalizePath),
    workspaceRoots: (policy.workspaceRoots ?? []).map(normalizePath),
    deny: policy.deny.map((term) => ({ term, pattern: termPattern(term) })),
    rules,
  };
  compiled.set(policy, out);
  return out;
}
