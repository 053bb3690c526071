import { findEncodedBlobs } from '../../text/encoded-blobs';
import { isNegated } from '../../text/negation';
import { redactionFindings, redactorFor } from '../redaction-findings';
import { matchesOf, type Finding, type TextRule } from '../rule';
import { AUTH_HEADER, CONNECTION_STRING, EXTRA_SECRET_FORMATS, looksLikeSecretValue, PASSWORD_OPTION, PLACEHOLDER_VALUE, PROSE_CREDENTIAL, PROSE_CREDENTIAL_ZH, WEAK_ASSIGNMENT } from './extra-secret.patterns';
import { DISCLOSURE, DISCLOSURE_PASSIVE, DISCLOSURE_PLACED, DISCLOSURE_ZH, ENVIRONMENT_DUMP } from './secret-disclosure.patterns';

/** @reverie/redaction's secret detectors, and card numbers (a payment credential). */
const SECRET_KINDS = [
  'private_key', 'anthropic_key', 'openai_key', 'github_token', 'slack_token', 'jwt', 'aws_access_key', 'aws_secret_key',
  'secret_assignment', 'high_entropy_secret', 'card_number',
];
const secrets = redactorFor(SECRET_KINDS);

const KIND_NAMES: Record<string, string> = {
  private_key: 'private key', anthropic_key: 'Anthropic API key', openai_key: 'OpenAI API key', github_token: 'GitHub token',
  slack_token: 'Slack token', jwt: 'JSON Web Token', aws_access_key: 'AWS access key id', aws_secret_key: 'AWS secret access key',
  secret_assignment: 'credential assigned to a secret name', high_entropy_secret: 'high-entropy token', card_number: 'payment card number',
};

/**
 * Secrets and credentials in any form: values (by @reverie/redaction's detectors and the formats
 * it lacks, see extra-secret.patterns), values stated in prose or in connection strings and auth
 * headers, and instructions to disclose credential material (print, send, commit a token, `.env`,
 * `$GITHUB_TOKEN`) that are not negated. Encoded or obfuscated values are found on the decoded
 * views that checkLesson passes in.
 */
export const secretRule: TextRule = (view) => {
  const text = view.text;
  const out: Finding[] = [];
  const add = (start: number, end: number, detail: string) => {
    // Sentence punctuation after a value is not part of it.
    const trimmed = text.slice(start, end).replace(/[.,;:!?)\]]+$/, '');
    out.push({ rule: 'secret', detail, start, end: start + Math.max(trimmed.length, 1) });
  };
  for (const f of redactionFindings(secrets, text)) {
    // A base64 or hex blob that decodes to readable text is encoded text, not a random key: the
    // decoded reading is checked on its own and says what it hides.
    if (f.kind === 'high_entropy_secret' && findEncodedBlobs(text.slice(f.start, f.end)).some((b) => b.end - b.start >= f.end - f.start - 2)) continue;
    add(f.start, f.end, KIND_NAMES[f.kind] ?? f.kind);
  }
  for (const { detail, pattern } of EXTRA_SECRET_FORMATS) for (const m of matchesOf(pattern, text)) add(m.index, m.index + m[0].length, detail);
  for (const m of matchesOf(AUTH_HEADER, text)) {
    const value = m[1] ?? m[2];
    if (value && !PLACEHOLDER_VALUE.test(value)) add(m.index, m.index + m[0].length, 'credential in an authorization header or option');
  }
  for (const m of matchesOf(CONNECTION_STRING, text)) {
    if (!PLACEHOLDER_VALUE.test(m[1])) add(m.index, m.index + m[0].length, 'connection string with a password');
  }
  for (const re of [PROSE_CREDENTIAL, PROSE_CREDENTIAL_ZH]) {
    for (const m of matchesOf(re, text)) if (looksLikeSecretValue(m[1])) add(m.index, m.index + m[0].length, 'credential stated in the text');
  }
  for (const m of matchesOf(WEAK_ASSIGNMENT, text)) {
    if (/\d/.test(m[1]) && /[A-Za-z]/.test(m[1]) && looksLikeSecretValue(m[1])) add(m.index, m.index + m[0].length, 'credential assigned to a session or auth name');
  }
  for (const m of matchesOf(PASSWORD_OPTION, text)) {
    if (looksLikeSecretValue(m[1]) || /[^A-Za-z0-9]/.test(m[1])) add(m.index, m.index + m[0].length, 'password given on a command line');
  }
  for (const re of [DISCLOSURE, DISCLOSURE_PLACED, DISCLOSURE_PASSIVE, DISCLOSURE_ZH, ENVIRONMENT_DUMP]) {
    for (const m of matchesOf(re, text)) {
      if (!isNegated(text, m.index)) add(m.index, m.index + m[0].length, 'instruction to disclose credentials');
    }
  }
  return out;
};
