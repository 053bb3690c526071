import type { RulePattern } from '../rule';

/** Placeholder values that stand for a secret without being one. */
export const PLACEHOLDER_VALUE = /^(?:[<{[$%*x•.]|(?:password|passwd|pass|secret|token|changeme|change-me|example|dummy|redacted|your[-_\w]*|my[-_]?(?:password|token|secret)|xxx+|\*+|\.\.\.)$)/i;

/**
 * Credential formats @reverie/redaction has no detector for (it owns the others: Anthropic,
 * OpenAI, GitHub, Slack, AWS, JWT, private keys, `password=` assignments, high-entropy tokens).
 * They live here because they matter for what a lesson may say, not for what ingest stores;
 * moving them into the redaction detectors would let both use them.
 */
export const EXTRA_SECRET_FORMATS: RulePattern[] = [
  { detail: 'Google API key', pattern: /(?<![\w-])AIza[0-9A-Za-z_-]{35}(?![\w-])/g },
  { detail: 'Stripe secret key', pattern: /(?<![\w-])(?:sk|rk)_(?:live|test)_[0-9A-Za-z]{16,}/g },
  { detail: 'npm token', pattern: /(?<![\w-])npm_[A-Za-z0-9]{36}(?![\w-])/g },
  { detail: 'GitLab token', pattern: /(?<![\w-])gl(?:pat|dt|rt|cbt|ptt)-[A-Za-z0-9_-]{20,}/g },
  { detail: 'Hugging Face token', pattern: /(?<![\w-])hf_[A-Za-z0-9]{30,}(?![\w-])/g },
  { detail: 'SendGrid key', pattern: /(?<![\w-])SG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}/g },
  { detail: 'PyPI token', pattern: /(?<![\w-])pypi-AgE[A-Za-z0-9_-]{20,}/g },
  { detail: 'DigitalOcean token', pattern: /(?<![\w-])do[opr]_v1_[a-f0-9]{64}(?![\w-])/g },
  { detail: 'Twilio key', pattern: /(?<![\w-])SK[0-9a-f]{32}(?![\w-])/g },
  { detail: 'Azure storage key', pattern: /\b(?:AccountKey|SharedAccessKey|SharedAccessSignature)\s*=\s*[A-Za-z0-9+/=%]{20,}/g },
  { detail: 'Slack webhook secret', pattern: /hooks\.slack\.com\/services\/T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]{16,}/g },
  { detail: 'Discord webhook token', pattern: /discord(?:app)?\.com\/api\/webhooks\/\d+\/[\w-]{30,}/g },
  { detail: 'Telegram bot token', pattern: /(?<![\w-])\d{8,10}:AA[A-Za-z0-9_-]{33}(?![\w-])/g },
];

/** `Authorization: Bearer …`, `Basic …`, `-u user:password`, `curl --user`. */
export const AUTH_HEADER = /\b(?:Bearer|Basic|Token)\s+([A-Za-z0-9._~+/-]{16,}=*)|(?:^|\s)(?:-u|--user)\s+['"]?[^\s:'"]+:([^\s@'"]{4,})/g;

/** `scheme://user:password@host`: the password part. */
export const CONNECTION_STRING = /\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@'"]+:([^\s@/'"]{3,})@[^\s'"]+/gi;

/**
 * A credential stated in prose: "the password is hunter2", "token = abc123…", "Passwort: …",
 * "mot de passe : …", "contraseña es …", "密码是…". The value must look like one (see
 * `looksLikeSecretValue`).
 */
export const PROSE_CREDENTIAL = new RegExp(
  [
    '\\b(?:password|passwd|passphrase|pwd|pin|passcode|api[ _-]?key|access[ _-]?key|secret(?:[ _-]?key)?|(?:unseal|master|recovery|encryption|decryption|license|signing|root|admin|backup|private|ssh) key|auth[ _-]?token|token|credentials?|passwort|kennwort|mot de passe|mdp|jeton|contrasena|clave|senha|parola d\'ordine)',
    '(?:\\s+(?:for|of|to|für|de|du|pour|para|del)\\s+(?:the\\s+|der\\s+|die\\s+|le\\s+|la\\s+|el\\s+)?[\\w.-]+)?',
    // an aside between the name and its value: "the password, rot13'd for safety, is …"
    '(?:\\s*,[^,.;\\n]{1,40},)?',
    '\\s*(?:\\bis\\b|\\bwas\\b|\\bist\\b|\\best\\b|\\bes\\b|\\be\\b|=|:|->|=>)\\s*["\'`]?([^\\s"\'`,;]{6,128})',
  ].join(''),
  'gi',
);
export const PROSE_CREDENTIAL_ZH = /(?:密码|口令|令牌|密钥|秘钥|凭证|凭据)\s*(?:是|为|:|=)\s*["'`]?([^\s"'`,;，。]{6,128})/g;

/** Credentials in weaker-named assignments (`session=…`, `cookie: …`), when the value is long and mixed. */
export const WEAK_ASSIGNMENT = /\b(?:session(?:[_-]?id)?|cookie|sid|auth|jwt|bearer|credentials?|pass|pwd|passcode|client[_-]?secret|private[_-]?token|access[_-]?token|refresh[_-]?token|signature)["']?\s*[:=]\s*["']?([A-Za-z0-9+/._~-]{16,})/gi;

/** A password given to a command line: `docker login -p …`, `mysql -p…`, `--password=…`. */
export const PASSWORD_OPTION = /(?:\b(?:login|mysql|mysqladmin|mysqldump|sshpass|ftp|lftp|smbclient|psql|mongo(?:sh)?|redis-cli|htpasswd|openssl)\b[^\n]{0,80}?\s(?:-p|-P|-a|--pass)\s*|--password[= ]|--passwd[= ]|--pass[= ])['"]?([^\s'"`]{4,})/g;

/** A value that could be a real secret: not a placeholder, not a plain word, not a number or a path. */
export function looksLikeSecretValue(value: string): boolean {
  const v = value.replace(/[.!?)]+$/, '');
  if (v.length < 6 || PLACEHOLDER_VALUE.test(v)) return false;
  if (/^[a-z]+$/i.test(v) && !/[A-Z].*[a-z].*[A-Z]/.test(v) && v.length < 12) return false; // a word: "required", "invalid"
  if (/^(?:[a-z]+[-_])+[a-z]+$/i.test(v)) return false; // identifiers: "not-set", "read_only"
  if (/^\d+$/.test(v)) return v.length >= 6; // PINs and numeric codes of 6+ digits
  if (/^[./~]/.test(v) || /^[a-z]+\(/i.test(v)) return false; // paths, calls
  return true;
}
