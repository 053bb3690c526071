import { AT, COLON, DASH, DIGIT, DOT, PLUS, RPAREN } from './char-classes';
import type { Detector } from './detector';
import { passesLuhn } from './luhn';

/** `logo@2x.png`, `icon@3x.svg`: file names, not addresses. */
const FILE_TLDS = new Set([
  'png', 'jpg', 'jpeg', 'gif', 'svg', 'webp', 'ico', 'js', 'mjs', 'cjs', 'ts', 'tsx', 'jsx', 'json',
  'py', 'rb', 'go', 'rs', 'java', 'txt', 'css', 'scss', 'html', 'yml', 'yaml', 'toml', 'lock', 'sh',
]);
/** Role addresses that name no person and appear in most transcripts (`git@github.com`, commit trailers). */
const ROLE_LOCAL_PARTS = new Set(['git', 'noreply', 'no-reply']);

function acceptEmail(value: string): boolean {
  const at = value.lastIndexOf('@');
  const local = value.slice(0, at).toLowerCase();
  const tld = value.slice(value.lastIndexOf('.') + 1).toLowerCase();
  return !ROLE_LOCAL_PARTS.has(local) && !FILE_TLDS.has(tld);
}

/** Issuer prefixes of the card networks (Visa, Mastercard, Amex, Diners, Discover, JCB, UnionPay). */
const CARD_PREFIX = /^(?:4|5[1-5]|2[2-7]|3[0478]|35|6)/;

function acceptCard(value: string): boolean {
  const digits = value.replace(/[ -]/g, '');
  return digits.length >= 13 && digits.length <= 19 && CARD_PREFIX.test(digits) && passesLuhn(digits);
}

function acceptInternationalPhone(value: string): boolean {
  const digits = value.replace(/\D/g, '').length;
  return digits >= 8 && digits <= 15;
}

function acceptIpv4(value: string, text: string, offset: number): boolean {
  if (value.startsWith('127.') || value.startsWith('255.') || value === '0.0.0.0') return false;
  // `version 1.2.3.4`, `v: 10.0.0.1` are four-part version numbers.
  return !/(?:version|ver\.?)\s*[:=]?\s*$/i.test(text.slice(Math.max(0, offset - 12), offset));
}

/** Strict IPv6 check of a candidate: one `::` at most, 1-4 hex digits a group, 8 groups (or at least 3 with `::`), and a digit somewhere (`dead::beef` is C++, `::1` is loopback). */
export function isIpv6(value: string): boolean {
  if (!/[0-9]/.test(value)) return false;
  const halves = value.split('::');
  if (halves.length > 2) return false;
  const groups = halves.flatMap((h) => (h === '' ? [] : h.split(':')));
  if (groups.some((g) => !/^[0-9A-Fa-f]{1,4}$/.test(g))) return false;
  if (halves.length === 1) return groups.length === 8;
  return groups.length >= 3 && groups.length <= 7;
}

/** Home directories that name a machine role, not a person. */
const ROLE_HOME_NAMES = new Set([
  'user', 'username', 'runner', 'ubuntu', 'debian', 'ec2-user', 'centos', 'admin', 'root', 'node', 'app', 'vagrant',
  'shared', 'public', 'default', 'all users', 'guest', 'docker', 'circleci', 'jenkins', 'build', 'ci', 'dev',
]);

export const PII_DETECTORS: readonly Detector[] = [
  {
    kind: 'email',
    pattern: /(?<![\w.%+-])[A-Za-z0-9._%+-]{1,64}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.){1,8}[A-Za-z]{2,24}(?![\w-])/g,
    needs: [AT, DOT],
    hints: ['@'],
    accept: acceptEmail,
  },
  {
    kind: 'card_number',
    // 13-19 digits, optionally grouped by spaces or dashes; the Luhn check decides.
    pattern: /(?<![\w.,+-])[2-6]\d{3}(?:[ -]?\d){9,15}(?!\w|[.,]\d)/g,
    needs: [DIGIT],
    requires: [/[2-6]\d{3}/],
    accept: acceptCard,
  },
  {
    kind: 'phone',
    // International numbers must start with +; national ones only in the North American shapes
    // (555) 123-4567, 555-123-4567, 555.123.4567. Bare digit runs, dates, times, versions and
    // line numbers never match.
    pattern: /(?<![\w+])\+[1-9]\d{0,2}(?:[ .-]?(?:\(\d{1,4}\)|\d{1,4})){2,6}(?![\w])|(?<![\w.+-])(?:\([2-9]\d{2}\) ?[2-9]\d{2}[-.]\d{4}|[2-9]\d{2}([-.])[2-9]\d{2}\1\d{4})(?![\w-]|\.\d)/g,
    // International: `+` then a digit; national: a digit followed by `)`, `-` or `.`.
    needs: [DIGIT, PLUS | DASH | DOT | RPAREN],
    requires: [/\+[1-9]|\d[-.)]/],
    accept: (value) => !value.startsWith('+') || acceptInternationalPhone(value),
  },
  {
    // The account name in a home directory path (`/home/ana/…`, `/Users/ana/…`, `C:\Users\ana\…`)
    // is usually the person's name; only the name is replaced, the rest of the path stays readable.
    kind: 'home_directory_user',
    pattern: /(?<p>(?<![\w.~-])(?:\/home\/|\/Users\/|[A-Za-z]:(?:\\{1,2}|\/)Users(?:\\{1,2}|\/)))(?<v>[A-Za-z0-9][A-Za-z0-9._-]{0,63})(?=$|[\\/\s"'`:;,)\]}>])/g,
    hints: ['/home/', '/Users/', 'Users\\', ':/Users/'],
    accept: (value) => !ROLE_HOME_NAMES.has(value.toLowerCase()),
  },
  {
    kind: 'ip_address',
    pattern: /(?<![\w.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?!\w|\.\d)/g,
    needs: [DIGIT, DOT],
    requires: [/\d\.\d/],
    accept: acceptIpv4,
  },
  {
    kind: 'ip_address',
    pattern: /(?<![\w:.])(?:[0-9A-Fa-f]{1,4})?(?::[0-9A-Fa-f]{0,4}){2,8}(?![\w:])/g,
    hints: [':'],
    // isIpv6 wants a digit somewhere.
    needs: [COLON, DIGIT],
    accept: (value) => isIpv6(value),
  },
];
