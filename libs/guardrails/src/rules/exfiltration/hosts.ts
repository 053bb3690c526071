/** A host named in the text: in a URL, or bare (`evil.io/upload`). */
export interface HostMention {
  start: number;
  end: number;
  host: string;
  path: string;
  /** `url` when written with a scheme or `www.`. */
  form: 'url' | 'bare';
}

/**
 * Top-level domains taken as a host without a scheme. Only those that rarely end a file name or a
 * member chain in code: `.py`, `.md`, `.sh`, `.rs`, `.pl`, `.so`, `.cc`, `.zip`, `.app`, `.info`,
 * `.name`, `.id`, `.to`, `.be`, `.is`, `.at` are left out (`setup.py`, `README.md`, `logger.info`,
 * `user.name`, `should.be`), so `evil.sh` is only caught with a scheme or when it is a known drop
 * point (EXFIL_ENDPOINTS).
 */
const BARE_TLDS = [
  'com', 'net', 'org', 'edu', 'gov', 'mil', 'int', 'io', 'co', 'ai', 'me', 'ly', 'gg', 'tv', 'fm', 'ws', 'biz', 'us', 'uk', 'de',
  'fr', 'es', 'it', 'nl', 'ru', 'su', 'cn', 'jp', 'kr', 'br', 'au', 'ca', 'ch', 'se', 'no', 'dk', 'fi', 'pl', 'cz', 'eu', 'in', 'ir',
  'kp', 'tk', 'ml', 'ga', 'cf', 'gq', 'pw', 'xyz', 'top', 'icu', 'site', 'online', 'club', 'shop', 'store', 'tech', 'cloud', 'space',
  'fun', 'buzz', 'rest', 'lol', 'onion', 'link', 'click', 'live',
];

/** Top-level domains that also end code (`self.app`, `app.run`, `build.sh`, `logger.info`): a host only when a path follows (`api.errortrack.dev/v1/report`). */
const BARE_TLDS_WITH_PATH = ['dev', 'app', 'run', 'sh', 'page', 'info', 'host', 'tools', 'network', 'services', 'support', 'software', 'zip', 'py', 'md', 'to', 'is', 'at', 'be', 'id', 'so', 'cc'];

/** Known drop points: webhooks, request catchers, tunnels, paste and file-drop sites. */
const EXFIL_ENDPOINTS: Array<{ host: string; what: string; path?: RegExp }> = [
  { host: 'hooks.slack.com', what: 'Slack incoming webhook' },
  { host: 'discord.com', what: 'Discord webhook', path: /^\/api\/webhooks\b/ },
  { host: 'discordapp.com', what: 'Discord webhook', path: /^\/api\/webhooks\b/ },
  { host: 'webhook.office.com', what: 'Microsoft Teams webhook' },
  { host: 'outlook.office.com', what: 'Microsoft Teams webhook', path: /^\/webhook/ },
  { host: 'api.telegram.org', what: 'Telegram bot API', path: /^\/bot/ },
  { host: 'chat.googleapis.com', what: 'Google Chat webhook' },
  ...['webhook.site', 'requestbin.com', 'requestbin.net', 'pipedream.net', 'requestcatcher.com', 'beeceptor.com', 'hookbin.com', 'postb.in',
    'ptsv2.com', 'ptsv3.com', 'mockbin.org', 'httpbin.org', 'interact.sh', 'oast.pro', 'oast.live', 'oast.site', 'oast.online', 'oast.fun',
    'oast.me', 'burpcollaborator.net', 'canarytokens.com', 'dnslog.cn', 'requestrepo.com'].map((host) => ({ host, what: 'request catcher' })),
  ...['ngrok.io', 'ngrok-free.app', 'ngrok.app', 'ngrok.dev', 'trycloudflare.com', 'loca.lt', 'localtunnel.me', 'serveo.net', 'localhost.run']
    .map((host) => ({ host, what: 'tunnel' })),
  ...['pastebin.com', 'paste.ee', 'hastebin.com', 'ghostbin.com', 'termbin.com', 'dpaste.org', 'rentry.co'].map((host) => ({ host, what: 'paste site' })),
  ...['transfer.sh', '0x0.st', 'file.io', 'gofile.io', 'temp.sh', 'bashupload.com', 'oshi.at', 'catbox.moe'].map((host) => ({ host, what: 'file drop' })),
  ...['vercel.app', 'netlify.app', 'herokuapp.com', 'web.app', 'firebaseapp.com', 'pages.dev', 'workers.dev', 'glitch.me', 'repl.co', 'onrender.com',
    'fly.dev', 'railway.app', 'deno.dev'].map((host) => ({ host, what: 'ad-hoc hosting' })),
];

/** The kind of drop point `host` (and `path`) is, if it is a known one. */
export function exfilEndpoint(host: string, path: string): string | undefined {
  for (const e of EXFIL_ENDPOINTS) {
    if ((host === e.host || host.endsWith(`.${e.host}`)) && (!e.path || e.path.test(path))) return e.what;
  }
  return undefined;
}

const SCHEMES = 'https?|ftps?|wss?|sftp|ssh|git|file|smb|ldaps?|gopher|dict|tftp|s3|gs|rsync|mailto|telnet|irc';
const URL_RE = new RegExp(`(?<![\\w.+-])(?:(?:${SCHEMES}):\\/\\/|www\\.)[^\\s<>"'\`|\\\\^{}]+`, 'gi');
const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const ENDPOINT_ALTERNATION = EXFIL_ENDPOINTS.map((e) => e.host.replace(/\./g, '\\.')).join('|');
const BARE_HOST_RE = new RegExp(
  `(?<![\\w@./\\\\-])((?:${LABEL}\\.)*(?:${ENDPOINT_ALTERNATION})|(?:${LABEL}\\.)+(?:${BARE_TLDS.join('|')})|(?:${LABEL}\\.)+(?:${BARE_TLDS_WITH_PATH.join('|')})(?=(?::\\d{2,5})?\\/[\\w~%-]))(?::\\d{2,5})?(?![\\w-]|\\.[a-z0-9])(\\/[^\\s<>"'\`|]*)?`,
  'gi',
);

/** `git@gitlab-backup.net:ops/mirror.git`: an scp-style remote names its host after the `@`. */
const SCP_REMOTE_RE = new RegExp(`(?<![\\w.+-])[\\w.+-]+@((?:${LABEL}\\.)+[a-z]{2,})(?=:[\\w~./-])`, 'gi');

function trimTrailing(url: string): string {
  let u = url.replace(/[.,;:!?'"]+$/, '');
  // A closing bracket belongs to the URL only when the URL opened one.
  for (const [open, close] of [['(', ')'], ['[', ']']]) {
    while (u.endsWith(close) && u.split(open).length < u.split(close).length) u = u.slice(0, -1);
  }
  return u;
}

/** Host and path of a URL's text (`www.` or scheme form); userinfo and port dropped. */
export function parseUrl(url: string): { host: string; path: string } {
  const rest = url.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const cut = rest.search(/[/?#]/);
  const authority = cut < 0 ? rest : rest.slice(0, cut);
  const path = cut < 0 ? '' : rest.slice(cut);
  const hostPort = authority.slice(authority.lastIndexOf('@') + 1);
  const host = hostPort.startsWith('[') ? hostPort.slice(1, hostPort.indexOf(']')) : hostPort.replace(/:\d*$/, '');
  return { host: host.toLowerCase().replace(/\.$/, ''), path };
}

/** Mixed case inside a label (`watcher.FileFilter`, `socket.IO`-like code) is code, not a host. */
const CAMEL = /[a-z][A-Z]/;

/** URLs and bare host names in `text`. */
export function findHosts(text: string): HostMention[] {
  const out: HostMention[] = [];
  const covered: Array<[number, number]> = [];
  URL_RE.lastIndex = 0;
  for (let m = URL_RE.exec(text); m !== null; m = URL_RE.exec(text)) {
    const url = trimTrailing(m[0]);
    const { host, path } = parseUrl(url);
    covered.push([m.index, m.index + url.length]);
    // mailto: the address is an e-mail finding; file: a path finding.
    if (/^(?:mailto|file):/i.test(url) || host === '') continue;
    out.push({ start: m.index, end: m.index + url.length, host, path, form: 'url' });
  }
  SCP_REMOTE_RE.lastIndex = 0;
  for (let m = SCP_REMOTE_RE.exec(text); m !== null; m = SCP_REMOTE_RE.exec(text)) {
    const start = m.index + m[0].length - m[1].length;
    covered.push([m.index, start + m[1].length]);
    out.push({ start, end: start + m[1].length, host: m[1].toLowerCase(), path: '', form: 'bare' });
  }
  BARE_HOST_RE.lastIndex = 0;
  for (let m = BARE_HOST_RE.exec(text); m !== null; m = BARE_HOST_RE.exec(text)) {
    const at = m.index;
    if (covered.some(([a, b]) => at >= a && at < b)) continue;
    if (CAMEL.test(m[1])) continue;
    const path = trimTrailing(m[2] ?? '');
    out.push({ start: m.index, end: m.index + m[0].length - ((m[2] ?? '').length - path.length), host: m[1].toLowerCase(), path, form: 'bare' });
  }
  return out;
}
