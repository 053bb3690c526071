import { CAPITAL_A, COLON, DASH, DIGIT, DOT, EQUALS, UNDERSCORE } from './char-classes';
import type { Detector } from './detector';
import { shannonEntropy } from './entropy';

/** Identifiers and member chains without digits (`getToken`, `os.environ`, `string`, `None`) are code, not secrets. */
const CODE_LIKE = /^[A-Za-z_$][A-Za-z_$]*(?:\.[A-Za-z_$][A-Za-z_$]*)*$/;

function looksLikeLiteralSecret(value: string): boolean {
  if (CODE_LIKE.test(value.replace(/[.:!?]+$/, ''))) return false; // `Secret: none.` is prose
  if (/^\d+$/.test(value)) return false; // counts such as `max_token: 4096`
  if (/^[$%{<~./]/.test(value)) return false; // ${VAR}, %VAR%, {{tpl}}, <placeholder>, paths
  if (/^(.)\1*$/.test(value)) return false; // ****** or xxxxxx
  return true;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX = /^[0-9a-f]+$/i;
const DIGEST_PREFIX = /^(?:sha1|sha224|sha256|sha384|sha512|md5)[-_]/i;
/** Object ids of the agent APIs (`toolu_01...`, `msg_01...`, `call_...`, `chatcmpl-...`): they look random but link tool calls to results. */
const API_ID_PREFIX = /^(?:toolu|srvtoolu|msg|req|call|resp|run|thread|asst|file|batch|step|chatcmpl)[_-]/;

/** Share of adjacent alphanumeric pairs that switch between upper, lower and digit: ~0.6 for random base64, ~0.2 for CamelCase words. */
function classSwitchRatio(s: string): number {
  let prev = -1;
  let switches = 0;
  let pairs = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const cls = c >= 48 && c <= 57 ? 0 : c >= 65 && c <= 90 ? 1 : c >= 97 && c <= 122 ? 2 : -1;
    if (cls === -1) { prev = -1; continue; }
    if (prev !== -1) { pairs++; if (cls !== prev) switches++; }
    prev = cls;
  }
  return pairs === 0 ? 0 : switches / pairs;
}

export const HIGH_ENTROPY_MIN_LENGTH = 24;
export const HIGH_ENTROPY_MAX_LENGTH = 2048;
export const HIGH_ENTROPY_MIN_BITS = 3.8;
export const HIGH_ENTROPY_MIN_SWITCH_RATIO = 0.35;

/**
 * Long tokens that look random: mixed case and digits, high Shannon entropy, frequent switches
 * between character classes. Kept on purpose: UUIDs, hex strings (git SHAs, sha256 digests,
 * content hashes: common in transcripts, not secrets), `sha512-...` integrity strings, agent API
 * object ids (`toolu_...`, `msg_...`, `call_...`), paths and
 * CamelCase identifiers, and blobs longer than 2 KiB (embedded files and images, not credentials).
 */
export function looksHighEntropy(token: string): boolean {
  const core = token.replace(/=+$/, '');
  if (core.length < HIGH_ENTROPY_MIN_LENGTH || core.length > HIGH_ENTROPY_MAX_LENGTH) return false;
  if (UUID.test(core) || HEX.test(core) || DIGEST_PREFIX.test(core) || API_ID_PREFIX.test(core)) return false;
  if (!/[0-9]/.test(core) || !/[A-Z]/.test(core) || !/[a-z]/.test(core)) return false;
  if (core.startsWith('/') || core.includes('//')) return false;
  return shannonEntropy(core) >= HIGH_ENTROPY_MIN_BITS && classSwitchRatio(core) >= HIGH_ENTROPY_MIN_SWITCH_RATIO;
}

export const SECRET_DETECTORS: readonly Detector[] = [
  {
    kind: 'private_key',
    // A whole block, or (for truncated output) the BEGIN line and the base64 that follows it.
    pattern: /-----BEGIN[A-Z0-9 ]{0,40} PRIVATE KEY(?: BLOCK)?-----(?:[\s\S]*?-----END[A-Z0-9 ]{0,40} PRIVATE KEY(?: BLOCK)?-----|(?:(?:\s|\\n)+[A-Za-z0-9+/=]{16,})*)/g,
    needs: [DASH],
    hints: ['PRIVATE KEY'],
  },
  { kind: 'anthropic_key', pattern: /(?<![\w-])sk-ant-[A-Za-z0-9_-]{20,}/g, needs: [DASH], hints: ['sk-ant-'] },
  {
    kind: 'openai_key',
    // Legacy keys are sk- + 32..64 alphanumerics (no dashes, so `sk-learn-style-names` are safe); project, service-account and admin keys carry a prefix.
    pattern: /(?<![\w-])sk-(?:(?:proj|svcacct|admin)-[A-Za-z0-9_-]{20,}|[A-Za-z0-9]{32,})(?![\w-])/g,
    needs: [DASH],
    hints: ['sk-'],
  },
  {
    kind: 'github_token',
    pattern: /(?<![\w-])(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})(?![\w-])/g,
    needs: [UNDERSCORE],
    requires: [/gh[pousr]_|github_pat_/],
  },
  { kind: 'slack_token', pattern: /(?<![\w-])xox[baprs]-[A-Za-z0-9-]{10,}/g, needs: [DASH], hints: ['xox'] },
  {
    kind: 'jwt',
    pattern: /(?<![\w-])eyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g,
    needs: [DOT],
    hints: ['eyJ'],
  },
  { kind: 'aws_access_key', pattern: /(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Za-z0-9])/g, needs: [CAPITAL_A], requires: [/A(?:KI|SI|BI|CC)A/] },
  {
    kind: 'aws_secret_key',
    pattern: /(?<p>(?:aws_?secret_?access_?key|aws_?secret_?key|secret_?access_?key)["']?\s{0,3}[:=]\s{0,3}["']?)(?<v>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])/gi,
    // Every name alternative contains `secret`, and an assignment needs `:` or `=`.
    needs: [COLON | EQUALS],
    requires: [/secret/i],
  },
  {
    kind: 'secret_assignment',
    // `password=...`, `"api_key": "..."`, `SECRET: ...`: the value is replaced, the name kept.
    pattern: /(?<p>(?:password|passwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key)(?![A-Za-z0-9_])["']?\s{0,3}[:=](?!=)\s{0,3}["']?)(?<v>[^\s"'`,;(){}[\]<>\\]{4,512})/gi,
    needs: [COLON | EQUALS],
    accept: (value) => looksLikeLiteralSecret(value),
  },
];

export const HIGH_ENTROPY_DETECTOR: Detector = {
  kind: 'high_entropy_secret',
  pattern: /(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/_-]{24,}={0,2}(?![A-Za-z0-9+/=_-])/g,
  // looksHighEntropy wants a digit, and a candidate is a run of at least 24 token characters.
  needs: [DIGIT],
  requires: [/[A-Za-z0-9+/_-]{24}/],
  accept: (value) => looksHighEntropy(value),
};
