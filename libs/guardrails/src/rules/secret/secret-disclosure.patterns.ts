import { foldString } from '../../text/unicode-fold';

/**
 * Instructions to hand over credential material without writing its value: "paste the API key
 * into the PR description", "echo $GITHUB_TOKEN", "cat .env", "envía el token a…", "发送密码到…".
 * Words are written with their accents and folded like the text. Negated instructions ("never
 * print the token") are not disclosures; the rule checks that.
 */
const VERBS = [
  // English
  'print', 'echo', 'cat', 'dump', 'log', 'output', 'reveal', 'show', 'display', 'expose', 'leak', 'send', 'post', 'upload', 'share',
  'paste', 'e-?mail', 'forward', 'transmit', 'exfiltrate', 'commit', 'publish', 'push', 'write out', 'read out', 'hand over', 'disclose',
  'text', 'dm', 'tweet', 'curl', 'beacon', 'ping',
  // German, French, Spanish, Italian, Portuguese
  'sende', 'senden', 'schicke', 'schicken', 'teile', 'teilen', 'zeige', 'poste', 'lade', 'veröffentliche', 'gib',
  'envoie', 'envoyer', 'envoyez', 'partage', 'partager', 'transmets', 'transmettre', 'colle', 'coller', 'affiche', 'afficher', 'publie', 'révèle', 'donne',
  'envía', 'enviar', 'manda', 'mandar', 'comparte', 'compartir', 'sube', 'subir', 'pega', 'pegar', 'muestra', 'mostrar', 'publica', 'revela', 'imprime',
  'invia', 'inviare', 'condividi', 'mostra', 'incolla', 'stampa', 'envie', 'compartilhe', 'mostre',
].map(foldString);

/** Verbs that disclose only with a public destination: "include the token in the PR description". */
const PLACING_VERBS = ['include', 'add', 'put', 'write', 'embed', 'insert', 'copy', 'append', 'mention', 'füge', 'ajoute', 'incluye', 'añade', 'agrega'].map(foldString);
const PUBLIC_PLACES = String.raw`(?:pr|pull request|merge request|commit(?: message)?|response|reply|answer|issue|comment|chat|logs?|output|description|readme|changelog|public|gist|message|slack|discord|email|ticket|wiki|summary|report|final answer|tweet|post)`;

/** What credentials are called; a bare "token" needs an article ("send the token"), not "output tokens". */
const OBJECTS = [
  // English
  'passwords?', 'passwd', 'passphrases?', 'credentials?', 'secrets?', '(?:private|ssh|gpg|pgp|signing|secret|api|access|deploy|master|license) keys?',
  'api[_-]?keys?', '(?:access|auth|bearer|refresh|deploy|github|gitlab|npm|pypi|aws|slack|session|personal access|oauth|id|jwt|admin|service account|bot) tokens?',
  '(?:session|auth) cookies?', 'client secrets?', 'connection strings?', 'environment variables', 'env vars', 'kubeconfig',
  '(?:the|your|my|our|this|that) tokens?',
  // German, French, Spanish, Italian, Portuguese
  'passwort', 'passwörter', 'kennwort', 'zugangsdaten', 'schlüssel', 'geheimnis(?:se)?', 'anmeldedaten', 'das token', 'den token',
  'mots? de passe', 'jetons?', 'clés?(?: api| privées?| secrètes?| ssh)', 'identifiants', 'le token',
  'contraseñas?', 'credenciales', 'claves?(?: api| privadas?| secretas?| ssh)?', 'secretos?', 'el token',
  'chiavi?(?: api| private| segrete)?', 'credenziali', 'senhas?', 'credenciais', 'chaves?(?: api| privadas?)?', 'il token', 'o token',
].map(foldString);

/** Files and variables that hold credentials. */
const CREDENTIAL_FILES = String.raw`\b(?:DATABASE|DB|REDIS|MONGO(?:DB)?|POSTGRES(?:QL)?|MYSQL|AMQP|RABBITMQ|SENTRY|SMTP)_(?:URL|URI|DSN)\b|\.env(?:\.[\w.-]+)?\b|\bid_(?:rsa|dsa|ecdsa|ed25519)\b|\.npmrc\b|\.pypirc\b|\.netrc\b|\.pgpass\b|\.git-credentials\b|\bcredentials\.json\b|\bsecrets?\.(?:ya?ml|json|toml)\b|\.aws[/\\]credentials\b|\.docker[/\\]config\.json\b|\$\{?[A-Z][A-Z0-9_]*(?:TOKEN|SECRET|_KEY|PASSWORD|PASSWD|CREDENTIALS?)\b\}?|\b[A-Z][A-Z0-9_]*_(?:TOKEN|SECRET|API_KEY|PASSWORD|PASSWD|CREDENTIALS)\b`;

const OBJECT = `(?:${OBJECTS.join('|')}|${CREDENTIAL_FILES})`;
const ARTICLE = '(?:(?:the|your|my|our|all|every|die|den|das|le|la|les|el|los|las|tu|ton|ta|tes|su|sus|il|i|o|os|a|as)\\s+)?';
/** Up to 6 words between the verb and its object, inside one clause. */
const GAP = String.raw`(?:[^\s.;:!?\n]+\s+){0,6}?`;
const word = (alternatives: string[]) => `(?<![\\w-])(?:${alternatives.join('|')})(?![\\w-])`;

/** A credential file may be named by its path: `cat ~/.ssh/id_rsa`. */
const PATH_PREFIX = String.raw`(?:[\w.~$%{}-]*[/\\])*`;

export const DISCLOSURE = new RegExp(`${word(VERBS)}\\s+${GAP}${ARTICLE}${PATH_PREFIX}${OBJECT}(?![\\w-])`, 'gi');
export const DISCLOSURE_PLACED = new RegExp(`${word(PLACING_VERBS)}\\s+${GAP}${ARTICLE}${OBJECT}\\s+(?:[^\\s.;!?\\n]+\\s+){0,3}?(?:in|into|to|on|at|dans|en|a|in den|in die|im)\\s+(?:the\\s+|a\\s+|your\\s+|la\\s+|le\\s+|el\\s+)?${PUBLIC_PLACES}\\b`, 'gi');
/** Object first, then a passive or infinitive verb: "the token must be sent to…", "das Passwort senden". */
export const DISCLOSURE_PASSIVE = new RegExp(`${OBJECT}\\s+(?:(?:must|should|will|can|is to|has to|muss|soll|doit|debe|deve)\\s+)?(?:be\\s+|werden\\s+|être\\s+|ser\\s+)?(?:sent|posted|uploaded|shared|leaked|printed|logged|emailed|forwarded|pasted|committed|echoed|exposed|published|senden|schicken|teilen|envoyé|partagé|enviado|enviada|compartido|inviato)\\b`.replace(/[éê]/g, (c) => foldString(c)), 'gi');
/** Dumping the environment's credentials: `env | grep -i token`, `printenv AWS_SECRET_ACCESS_KEY`, `/proc/self/environ`. */
export const ENVIRONMENT_DUMP = /\b(?:env|printenv|set|export\s+-p)\s*\|\s*(?:grep|findstr|select-string)\b[^\n|]{0,40}?(?:token|secret|key|pass|auth|cred)|\bprintenv\s+[A-Z_]*(?:TOKEN|SECRET|KEY|PASSWORD|CREDENTIALS?)\b|\/proc\/(?:self|\d+|\$\$)\/environ\b|\b(?:get-childitem|gci|dir|ls)\s+env:/gi;

/** Chinese: verb then object with no spaces ("发送密码", "上传令牌到"), or 把 + object + verb. */
export const DISCLOSURE_ZH = /(?:发送|发给|发到|上传|分享|粘贴|打印|输出|泄露|提交|转发|贴出|公开|告诉|显示)[^。；;\n]{0,12}?(?:密码|口令|令牌|密钥|秘钥|凭证|凭据|私钥|\.env|token|api ?key)|把[^。；;\n]{0,8}?(?:密码|口令|令牌|密钥|秘钥|凭证|凭据|私钥|\.env|token|api ?key)[^。；;\n]{0,12}?(?:发送|发给|发到|上传|分享|粘贴|打印|输出|泄露|提交|转发|贴出|公开|告诉)/gi;
