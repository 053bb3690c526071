import { normalizePath, underPrefix, type CompiledPolicy } from '../../policy/compiled-policy';

/** A path named in the text that may lie outside the workspace. */
export interface PathMention {
  start: number;
  end: number;
  path: string;
  why: 'absolute' | 'home' | 'sensitive' | 'climbs-out';
}

/**
 * First segments of absolute paths that are system or user folders. Other absolute paths
 * (`/v1/events`, `/api/users`, `/testbed/x.py`) read as routes or as a workspace of their own and
 * are left to the tenant's allow-lists and workspace roots.
 */
const SYSTEM_ROOTS = [
  'etc', 'root', 'home', 'users', 'var', 'usr', 'opt', 'proc', 'sys', 'dev', 'tmp', 'private', 'library', 'system', 'mnt', 'srv',
  'boot', 'bin', 'sbin', 'lib', 'lib32', 'lib64', 'snap', 'run', 'media', 'volumes', 'applications', 'cores', 'nix', 'windows',
];
const SEGMENT = "[\\w.@%+=~,-]+";
/** An absolute path: `/` after whitespace, a quote or a bracket (not after a word, a dot or `…`, which make it relative or a URL). */
const ABSOLUTE = new RegExp(`(?<![\\w.~$%/\\\\:@…-])\\/(?:${SYSTEM_ROOTS.join('|')})(?=[/\\s'"\`),;:\\]}>]|$)(?:\\/${SEGMENT})*\\/?`, 'gi');
const HOME = new RegExp(`(?<![\\w$%/\\\\-])(?:~[a-z_]*|\\$HOME\\b|\\$\\{HOME\\}|%USERPROFILE%|%APPDATA%|%LOCALAPPDATA%|%HOMEPATH%|\\$env:(?:USERPROFILE|APPDATA|HOME)\\b)(?:[/\\\\]${SEGMENT})+[/\\\\]?`, 'gi');
const WINDOWS = new RegExp(`(?<![\\p{L}\\p{N}_/\\\\])(?:[A-Za-z]:[\\\\/]|\\\\\\\\[\\w.-]+\\\\)(?:${SEGMENT}[\\\\/]?)*`, 'gu');
/** Credential stores and shell histories, wherever they are. */
const SENSITIVE = new RegExp(`(?<![\\w/\\\\$%-])(?:\\$HOME|\\$\\{HOME\\}|%USERPROFILE%)?[/\\\\]?(?:${SEGMENT}[/\\\\])*(?:\\.ssh|\\.aws|\\.gnupg|\\.kube|\\.docker|\\.azure|\\.netrc|\\.pgpass|\\.git-credentials|\\.bash_history|\\.zsh_history|id_rsa|id_dsa|id_ecdsa|id_ed25519|\\.config[/\\\\]gcloud)(?![\\w-])(?:[/\\\\]${SEGMENT})*`, 'g');
const CLIMBS_OUT = /(?<![\w.])(?:\.\.[/\\]){3,}[\w.@%+=~,/\\-]*/g;
const FILE_URL = /\bfile:\/\/(?:localhost)?(\/[^\s<>"'`|]*)/gi;

/** Paths in `text` that name a place outside the workspace (before the policy's allow-list is applied). */
export function findPaths(text: string): PathMention[] {
  const out: PathMention[] = [];
  const add = (re: RegExp, why: PathMention['why'], group = 0) => {
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      const raw = (m[group] ?? m[0]).replace(/[.,;:]+$/, '');
      const start = m.index + m[0].indexOf(raw);
      if (out.some((p) => start >= p.start && start < p.end)) continue;
      out.push({ start, end: start + raw.length, path: raw, why });
    }
  };
  add(FILE_URL, 'absolute', 1);
  add(SENSITIVE, 'sensitive');
  add(HOME, 'home');
  add(ABSOLUTE, 'absolute');
  add(WINDOWS, 'absolute');
  add(CLIMBS_OUT, 'climbs-out');
  return out;
}

/** True when `path` lies in a workspace root of the policy. */
export function inWorkspace(path: string, policy: CompiledPolicy): boolean {
  const p = normalizePath(path);
  return policy.workspaceRoots.some((root) => underPrefix(p, root));
}

/** True when the policy lets a lesson name `path`: inside the workspace or on the allow-list. */
export function pathAllowed(path: string, policy: CompiledPolicy): boolean {
  const p = normalizePath(path);
  return inWorkspace(path, policy) || policy.paths.some((prefix) => underPrefix(p, prefix));
}
