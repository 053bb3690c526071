import { foldString } from '../../text/unicode-fold';
import type { RulePattern } from '../rule';

const re = (source: string, flags = 'gi') => new RegExp(foldString(source), flags);
const words = (list: string[]) => list.join('|');

/** "test" naming a thing that is not a test run: "delete the test database". */
const NOT_TEST_THINGS = String.raw`(?![\w-]|\s+(?:data(?:base)?s?|db|fixtures?|files?|folders?|director(?:y|ies)|outputs?|results?|users?|accounts?|env(?:ironment)?s?|servers?|containers?|artifacts?|reports?|logs?|images?|branch(?:es)?|records?|repos?(?:itory)?|dat(?:a|um)|instances?|clusters?|credentials?|keys?|tokens?)\b)`;

/** Safety mechanisms an agent must not switch off. */
const SAFEGUARDS = words([
  `(?:unit |integration |e2e |end-to-end |regression |smoke |failing |flaky |broken )?(?:tests?${NOT_TEST_THINGS}|test suites?|specs?|testing)`,
  '(?:pre-?commit |pre-?push |commit |git |husky )?hooks?', 'husky', 'pre-?commit(?: checks)?',
  'lint(?:ers?|ing|s)?', 'eslint', 'ruff', 'flake8', 'pylint', 'clippy', 'golangci-lint', 'rubocop', 'stylelint',
  'type ?-?check(?:s|ing|er)?', 'typescript(?: errors| checks)?', 'tsc', 'mypy', 'pyright', 'strict mode',
  'ci(?: checks| pipeline| jobs?)?', 'pipelines?', '(?:status|required|security|safety|sanity|pre-?flight|ci|type|lint) checks?', 'checks', 'branch protection',
  'code ?reviews?', 'reviews?', 'sandbox(?:ing)?', 'confirmations?(?: prompts?)?', 'approvals?(?: prompts?)?', 'permission (?:checks|prompts|system)',
  'prompts? for permission', 'security (?:scans?|warnings?)', 'ssl(?: verification)?', 'tls(?: verification)?',
  'certificate (?:verification|checks?|validation)', 'signature (?:verification|checks?)', '2fa', 'mfa', 'two-factor(?: authentication)?',
  'firewall', 'antivirus', 'selinux', 'apparmor', 'audit(?: logs?|ing)?', 'safety (?:filters?|rails|mode)', 'guardrails?', 'rate limit(?:s|ing)?',
  'validation', 'assertions', 'gpg signing', 'coverage(?: thresholds?| gates?)?', 'dependency audit', 'npm audit', 'secret scanning',
]);
const DISABLING = words([
  'skip(?:ping|s|ped)?', 'disable[sd]?', 'disabling', 'bypass(?:es|ed|ing)?', 'turn(?:ing)? off', 'switch(?:ing)? off', 'shut(?:ting)? off',
  'deactivate[sd]?', 'ignore[sd]?', 'ignoring', 'suppress(?:es|ed|ing)?', 'silence[sd]?', 'comment(?:ing)? out', 'remove[sd]?', 'removing',
  'delete[sd]?', 'deleting', 'drop(?:ped|ping)?', 'circumvent(?:ed|ing)?', 'get(?:ting)? around', 'override', 'overriding', 'short-circuit',
  'mute[sd]?', 'stub(?:bing)? out', 'uninstall(?:ing)?', 'kill(?:ing)?', 'neuter', 'xfail', 'weaken(?:ing)?', 'loosen(?:ing)?', 'relax(?:ing)?',
]);
/** A safety step an agent must not leave out ("never run the tests", "without asking"). */
const SAFETY_STEPS = words([
  `(?:run|running|execute|executing|use|using|wait(?:ing)? for|ask(?:ing)?(?: the user)?(?: for)?|check(?:ing)?|verify(?:ing)?|request(?:ing)?|get(?:ting)?|seek(?:ing)?) (?:the |any |for |a |an )?(?:${SAFEGUARDS}|permission|consent|approval|confirmation|go-ahead|the user)`,
  'confirm(?:ing)?', 'asking', 'confirmation', 'approval', 'review(?:ing)?', 'testing', 'tests',
]);

export interface UnsafePattern extends RulePattern {
  /** `switch`: unsafe unless negated ("never use sudo" is fine). `omit`: the pattern carries its own negation ("never run the tests"). */
  kind: 'switch' | 'omit';
  /** The words of the match itself can negate it (German and French put the negation after the verb). */
  negationInside?: boolean;
}

const sw = (detail: string, source: string, flags?: string, negationInside = false): UnsafePattern => ({ detail, pattern: re(source, flags), kind: 'switch', negationInside });
const omit = (detail: string, source: string, flags?: string): UnsafePattern => ({ detail, pattern: re(source, flags), kind: 'omit' });

export const UNSAFE_PATTERNS: UnsafePattern[] = [
  // Privilege escalation
  sw('privilege escalation (sudo)', String.raw`(?<![\w-])sudo(?![\w-])|(?<![\w-])(?:doas|pkexec|gksudo|runas\s+/user)(?![\w-])|(?<![\w-])su\s+(?:-(?:\s|$)|-l\b|root\b|-c\b)`),
  sw('privilege escalation (root)', String.raw`\b(?:as|with|using) (?:the )?root(?: user| account| privileges| access| rights| permissions)?\b|\broot (?:privileges|access|rights|permissions|shell)\b|\b(?:admin(?:istrator)?|elevated) (?:rights|privileges|permissions)\b|\bnopasswd\b|\bvisudo\b|\busermod\s+-a?G\s*(?:sudo|wheel|docker|admin)\b|\bsetcap\b|-verb\s+runas\b|\bdisable\s+uac\b`),
  sw('privileged container', String.raw`--privileged\b|\bdocker\s+run\b[^\n]*\s-v\s+/:/|--pid[= ]host\b|--cap-add[= ](?:all|sys_admin)\b`),
  // Permissions
  sw('world-writable or setuid permissions', String.raw`\bchmod\s+(?:-[a-z]+\s+)*(?:0?777|0?666|[0-7]?[2367][0-7][2367]|[ugoa]*[+=]r?w?x?s|a\+rwx|ugo\+rwx|o\+w|a\+w|[0-7]?7[0-7]7)\b|\bchmod\s+(?:-[a-z]+\s+)*[24]7[0-7]{2}\b|\bicacls\b[^\n]*\/grant\s+everyone:\(?f`),
  // Hooks and verification
  sw('git hooks bypassed (--no-verify)', String.raw`--no-verify\b|--no-gpg-sign\b|\bgit\s+commit\b[^\n]*\s-n\b|\bhusky(?:_skip_hooks)?\s*=\s*0\b|\bhusky_skip_hooks\b|\bskip_hooks\b|\bcore\.hookspath\b|\bpre-commit\s+uninstall\b|\bskip=[\w,-]+\s+git\b|\b(?:rm|delete|remove|empty|clear)\b[^\n]{0,30}\.git/hooks\b`),
  sw('checks disabled in code', String.raw`eslint-disable\b|@ts-(?:ignore|nocheck|expect-error)\b|#\s*type:\s*ignore\b|#\s*noqa\b|//\s*nolint\b|pylint:\s*disable\b|istanbul ignore\b|\b(?:it|describe|test)\.skip\b|\bxit\(|@pytest\.mark\.skip\b|@disabled\b|--passwithnotests\b|-dskiptests\b|maven\.test\.skip\b|--skip-tests?\b|\bskip_tests\b|\[(?:skip ci|ci skip|no ci)\]|--no-lint\b|--skip-checks?\b|--no-tests?\b`),
  sw('safety checks disabled', String.raw`--dangerously-skip-permissions\b|--dangerously-bypass-approvals-and-sandbox\b|--yolo\b|bypasspermissions\b|dangerouslydisablesandbox\b|--no-sandbox\b|--disable-web-security\b|--insecure\b|--no-check-certificate\b|\bcurl\b[^\n|]*\s-k\b|node_tls_reject_unauthorized\s*=\s*['"]?0|pythonhttpsverify\s*=\s*0|verify\s*=\s*false\b|sslverify\s+false\b|strict-ssl\s+false\b|git_ssl_no_verify\b|stricthostkeychecking\s*=?\s*no\b|userknownhostsfile\s*=?\s*/dev/null|set\s+\+o\s+noclobber\b|set\s+\+c\b|\bsetenforce\s+0\b|\bufw\s+disable\b|\biptables\s+-f\b|disablerealtimemonitoring\b|executionpolicy\s+(?:bypass|unrestricted)\b|-?-?auto-approve\b|--allow-unauthenticated\b|\bauto-?approve (?:all|every|everything)\b|\byolo mode\b|\bapprove (?:all|every) (?:tool calls?|commands?|actions?|permissions?)\b|\baccept all (?:edits|changes|permissions|commands)\b`),
  // Force push
  sw('force push', String.raw`\bgit\s+push\b[^\n;&|]*?\s(?:--force(?!-with-lease)\b|-f\b|\+[\w/-]+)|\bgit\s+push\b[^\n;&|]*?--force-with-lease\b[^\n;&|]*\b(?:main|master)\b|\bforce[- ]?push(?:ing|es|ed)?\b|\bpush\s+(?:\S+\s+){0,3}?with\s+--?force\b`),
  // Remote code piped into an interpreter
  sw('remote script piped into a shell', String.raw`\b(?:curl|wget|iwr|invoke-webrequest|irm|invoke-restmethod|fetch)\b[^\n|]{0,300}\|\s*(?:sudo\s+)?(?:(?:ba|z|k|da|fi|c|tc)?sh|python[0-9.]*|node|perl|ruby|php|iex|invoke-expression|pwsh|powershell)\b|\b(?:(?:ba|z)?sh|source|\.)\s+<\(\s*(?:curl|wget)\b|\b(?:ba|z)?sh\s+-c\s+["']?\$\(\s*(?:curl|wget)\b|\beval\s+["']?\$\(\s*(?:curl|wget)\b|\biex\s*\(?\s*(?:\(?\s*new-object|iwr|irm|invoke-webrequest)|downloadstring\s*\(|\bpython[0-9.]*\s+-c\s+["']?\$\(\s*curl`),
  // Destruction outside the workspace
  sw('recursive delete outside the workspace', String.raw`\brm\s+(?:-[a-z]*\s+)*(?:-[a-z]*r[a-z]*f?[a-z]*|-[a-z]*f[a-z]*r[a-z]*|--recursive|-r)\s+(?:-[a-z-]+\s+)*(?:--no-preserve-root\s+)?(?:\/\*?(?=[\s"'\`]|$)|~\/?\*?(?=[\s"'\`]|$)|\$\{?home\}?\/?\*?(?=[\s"'\`]|$)|\.\.\/?\*?(?=[\s"'\`]|$)|\.\.\/\.\.|/(?:etc|usr|var|home|users|root|bin|sbin|lib|boot|opt|system|library|applications|private|dev|proc|sys|mnt|srv|snap)\b|~\/|\$\{?home\}?\/)|--no-preserve-root\b|\bremove-item\b[^\n]*-recurse\b[^\n]*(?:c:\\|~|\$home|\$env:userprofile)|\b(?:rd|rmdir)\s+\/s\s+\/q\s+[a-z]:\\|\bdel\s+(?:\/[a-z]\s+)*[a-z]:\\|\bformat\s+[a-z]:|\bmkfs(?:\.\w+)?\b|\bdd\s+if=[^\n]*of=\/dev\/(?:sd|hd|nvme|disk)|>\s*\/dev\/(?:sd|hd|nvme)[a-z]|:\(\)\s*\{\s*:\s*\|\s*:\s*&\s*\}\s*;\s*:|\bfind\s+\/\s[^\n]*-delete\b|\bchmod\s+-r\s+000\s+\/|\bshred\b[^\n]*\/dev\/|\b(?:wipe|erase|delete|remove|destroy)\s+(?:the\s+)?(?:entire\s+|whole\s+)?(?:disk|hard drive|file ?system|home (?:directory|folder)|root (?:directory|partition))\b`),
  // Switching a safeguard off, in words
  // "enabling/disabling X", "enable or disable X" name both and do neither.
  sw('safeguard switched off', `(?<!\\benabl\\w*\\s*(?:/|or|and)\\s*)\\b(?:${DISABLING})\\s+(?:(?:all|any|every|the|these|those|its|their|our|your|of|the failing|all the|for now|temporarily)\\s+){0,3}(?:${SAFEGUARDS})(?![\\w-])`),
  sw('safeguard switched off', `\\b(?:${SAFEGUARDS})\\s+(?:(?:can|may|should|must|could|will|are|is)\\s+)?(?:be\\s+)?(?:safely\\s+)?(?:skipped|disabled|bypassed|ignored|turned off|switched off|removed|deleted|commented out|silenced|suppressed|optional|unnecessary|not needed|not required|a waste of time)\\b`),
  sw('safeguard switched off', String.raw`\b(?:mark|flag|tag|annotate|label|set)\s+(?:(?:the|all|any|every|these|those|its|their)\s+)?(?:[\w-]+\s+){0,3}?(?:tests?|test suites?|suites?|specs?|checks?|jobs?|steps?)\s+(?:as|to)\s+(?:skipped|skip|xfail|pending|ignored|disabled|optional|allowed to fail|allow[_-]failure|non-?blocking|manual|todo)\b`),
  sw('world-writable or setuid permissions', String.raw`\bworld[- ]writ(?:e)?able\b|\b(?:mode|permissions?|perms|umask)\s+(?:to\s+|of\s+|=\s*)?0?(?:777|666|000)\b|\b0?777 permissions\b`),
  sw('git hooks bypassed (--no-verify)', String.raw`\b(?:commit|push)\w*\s+(?:\S+\s+){0,3}?with\s+-n\b`),
  // "If the linter fails, disable it": the safeguard named first, switched off by a pronoun after it.
  sw('safeguard switched off', `\\b(?:${SAFEGUARDS})\\b[^.;\\n]{0,60}?\\b(?:disable|skip|bypass|turn off|switch off|remove|delete|ignore|comment out|silence|mute|drop)\\s+(?:it|them)\\b`),
  sw('safeguard switched off', String.raw`\b(?:tests?|pruebas?|linter|lint|hooks?|ci|pipeline|checks?|comprobaciones|vérifications?|contrôles?|prüfungen|typprüfung)\b[^.;\n]{0,60}?(?:\b(?:desactiva|deshabilita|omite|salta|ignora|quita|elimina|apaga)(?:r)?(?:lo|la|los|las|le|les)\b|\b(?:deaktiviere|ignoriere|überspringe|entferne)\s+(?:ihn|sie|es)\b|\b(?:désactive|ignore|supprime|saute|coupe)-(?:le|la|les)\b)`),
  omit('safety step left out', `\\b(?:${SAFEGUARDS})\\s+(?:(?:will|should|must|can|do|does)\\s+)?(?:don't|do not|won't|will not|never|can't|cannot|aren't|are not|doesn't|does not|shouldn't|should not)\\s+(?:be\\s+)?(?:run|ran|execute[ds]?|fire[ds]?|trigger(?:ed)?|block|get (?:run|executed))\\b`),
  sw('checks made non-blocking', String.raw`\b(?:continue-on-error|allow_failure|allow-failure)\s*[:=]\s*true\b|\|\|\s*true\b|\bexit\s+0\b\s*#?\s*(?:to\s+)?(?:pass|skip)|\bset\s+\+e\b`),
  omit('safety step left out', `\\b(?:never|don'?t|do not|no need to|no need for|needn'?t|stop|without|skip)\\s+(?:ever\\s+)?(?:${SAFETY_STEPS})\\b`),
  omit('safety step left out', String.raw`\bwithout\s+(?:asking|confirmation|confirming|approval|review|permission|tests?|testing|checks?|checking|verification|verifying)\b|\bno\s+(?:confirmation|approval|review|permission|tests?)s?\s+(?:is\s+|are\s+)?(?:needed|required|necessary)\b`),
  // Other languages
  sw('safeguard switched off', String.raw`\b(?:deaktiviere|deaktivieren|deaktiviert|schalte|abschalten|überspringe|überspringen|umgehe|umgehen|ignoriere|ignorieren|entferne|entfernen|auskommentieren|lösche|löschen)\b[^.;:\n]{0,40}?\b(?:tests?|testsuite|hooks?|git-hooks|linter|linting|typprüfung|typ-?checks?|prüfungen|checks|bestätigung(?:en)?|sandbox|ci|pipeline|code-?review|sicherheitsprüfungen|zertifikatsprüfung)\b|\b(?:tests?|hooks?|linter|typprüfung|prüfungen|checks|bestätigung(?:en)?|sandbox|ci)\s+(?:\S+\s+){0,6}?(?:deaktivieren|abschalten|überspringen|umgehen|ignorieren|entfernen|auskommentieren|weglassen|auslassen|sein lassen|sparen|ab)\b`, 'gi', true),
  sw('safeguard switched off', String.raw`\b(?:désactive[rz]?|désactivez|ignore[rz]?|saute[rz]?|sautez|zappe[rz]?|contourne[rz]?|contournez|supprime[rz]?|supprimez|passe[rz]? outre|coupe[rz]?|enlève|enlever|commente[rz]?|se passer des?)\b[^.;:\n]{0,40}?\b(?:tests?|hooks?|crochets?|linter|lint|vérifications?|contrôles?|vérification des types|typage|ci|intégration continue|confirmations?|sandbox|bac à sable|revue de code|pipeline)\b`, 'gi', true),
  sw('safeguard switched off', String.raw`\b(?:desactiva[rn]?|desactive[ns]?|deshabilita[rn]?|omite|omitir|omitan|salta[rn]?|sáltate|sáltese|ignora[rn]?|ignore|evita[rn]?|elimina[rn]?|quita[rn]?|apaga[rn]?|comenta[rn]?|sáltate|saltarse|s[aá]ltate(?:las|los))\b[^.;:\n]{0,40}?\b(?:tests?|pruebas?|hooks?|ganchos?|linter|lint|comprobaciones|verificaci[oó]n(?:es)?|chequeo de tipos|ci|integraci[oó]n continua|confirmaci[oó]n(?:es)?|sandbox|revisi[oó]n de c[oó]digo|pipeline)\b`, 'gi', true),
  sw('safeguard switched off', String.raw`(?<![\p{L}])(?:disattiva(?:re)?|salta(?:re)?|ignora(?:re)?|rimuovi|desativ[ae]r?|pule|pular|remova|отключи(?:ть|те)?|пропусти(?:ть|те)?|игнорируй(?:те)?|выключи(?:ть|те)?)(?![\p{L}])[^.;:\n]{0,40}?(?<![\p{L}])(?:test|testes|hooks?|linter|controlli|verificações|тест\p{L}*|хук\p{L}*|линтер\p{L}*|провер\p{L}*)(?![\p{L}])`, 'giu', true),
  sw('safeguard switched off', String.raw`(?:跳过|禁用|关闭|关掉|绕过|忽略|停用|去掉|删除|取消|注释掉|屏蔽)(?:所有|全部|一切)?的?(?:单元|集成)?(?:测试|钩子|hooks?|lint|代码检查|类型检查|检查|校验|验证|确认|沙箱|沙盒|ci|持续集成|代码审查|审查|防火墙)|(?:テスト|フック|リンター|型チェック|確認)を?(?:スキップ|無効|無視|飛ば)`),
  omit('safety step left out', String.raw`(?:不要|不用|无需|不需要|别|无须|不必)(?:再)?(?:运行|执行|跑|进行)?(?:测试|确认|审查|检查|验证|询问用户|征求同意)|未经(?:用户)?(?:确认|同意|许可)`),
  omit('safety step left out', String.raw`\b(?:ohne|sans|sin|senza|sem)\s+(?:\w+\s+){0,2}?(?:tests?|pruebas|testes|bestätigung|nachfrage|zu fragen|rückfrage|confirmation|demander|vérification|confirmaci[oó]n|preguntar|verificaci[oó]n|revisi[oó]n|conferma|chiedere|confirmação|perguntar|prüfung|review|revue)\b`),
  sw('privilege escalation (root)', String.raw`\b(?:als|en tant que|como|come) root\b|\b(?:root-rechte|root-rechten|administratorrechte|adminrechte|droits (?:d'|de )?(?:administrateur|root)|permisos de (?:administrador|root)|privilegios de (?:administrador|root))\b|以\s*root|管理员权限|提权|root\s*(?:权限|身份)`),
];
