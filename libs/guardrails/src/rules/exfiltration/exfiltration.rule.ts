import { hostUnder, type CompiledPolicy } from '../../policy/compiled-policy';
import { originalSpan, type MappedText } from '../../text/mapped-text';
import { redactionFindings, redactorFor } from '../redaction-findings';
import type { Finding, RuleContext, TextRule } from '../rule';
import { exfilEndpoint, findHosts } from './hosts';
import { findPaths, pathAllowed } from './paths';

const contacts = redactorFor(['email', 'ip_address']);

/** Loopback and the unspecified address never leave the machine. */
const LOCAL_IP = /^(?:127\.\d+\.\d+\.\d+|0\.0\.0\.0|::1?|0:0:0:0:0:0:0:[01])$/;

/**
 * A name is allowed only as the lesson wrote it: `gіthub.com` with a Cyrillic `і` folds to
 * `github.com` but is another host, and `xn--` names are look-alikes unless listed as such.
 */
function writtenAsFolded(view: MappedText, start: number, end: number, original: string): boolean {
  const [a, b] = originalSpan(view, start, end);
  // eslint-disable-next-line no-control-regex
  return /^[\x00-\x7f]*$/.test(original.slice(a, b));
}

function hostAllowed(host: string, policy: CompiledPolicy): boolean {
  if (LOCAL_IP.test(host)) return true;
  if (/^xn--|\.xn--/.test(host)) return policy.hosts.includes(host);
  return policy.hosts.some((entry) => hostUnder(host, entry));
}

function emailAllowed(address: string, policy: CompiledPolicy): boolean {
  const a = address.toLowerCase();
  const domain = a.slice(a.lastIndexOf('@') + 1);
  return policy.emails.some((entry) => (entry.startsWith('@') ? hostUnder(domain, entry.slice(1)) : entry === a));
}

const PATH_REASON = {
  absolute: 'path outside the workspace',
  home: 'path in a home folder',
  sensitive: 'credential or history file',
  'climbs-out': 'path climbing out of the workspace',
} as const;

/**
 * Exfiltration: URLs, hosts, webhooks, e-mail addresses, IP addresses and paths outside the
 * workspace that the tenant's policy does not allow. E-mail and IP addresses are found by
 * @reverie/redaction's detectors (so `git@`, `noreply@`, `logo@2x.png`, loopback and version
 * numbers are not addresses here either).
 */
export const exfiltrationRule: TextRule = (view, { policy, original }: RuleContext) => {
  const text = view.text;
  const out: Finding[] = [];
  const add = (start: number, end: number, detail: string) => out.push({ rule: 'exfiltration', detail, start, end });
  for (const h of findHosts(text)) {
    const endpoint = exfilEndpoint(h.host, h.path);
    const asWritten = writtenAsFolded(view, h.start, h.end, original);
    if (asWritten && hostAllowed(h.host, policy)) continue;
    const what = endpoint ? `${endpoint} (${h.host})` : `${h.form === 'url' ? 'URL to a host' : 'host'} not on the allow-list: ${h.host}`;
    add(h.start, h.end, asWritten ? what : `${what}, written with look-alike characters`);
  }
  for (const f of redactionFindings(contacts, text)) {
    const value = text.slice(f.start, f.end);
    if (f.kind === 'email') {
      if (!emailAllowed(value, policy) || !writtenAsFolded(view, f.start, f.end, original)) add(f.start, f.end, `e-mail address not on the allow-list: ${value}`);
    } else if (!hostAllowed(value.toLowerCase(), policy)) {
      add(f.start, f.end, `IP address not on the allow-list: ${value}`);
    }
  }
  for (const p of findPaths(text)) {
    if (!pathAllowed(p.path, policy)) add(p.start, p.end, `${PATH_REASON[p.why]}: ${p.path}`);
  }
  return out;
};
