/** The console talks to the services' public APIs only, with the signed-in reviewer's credential. */
export type Service = 'session-ingest' | 'dreaming' | 'lesson-governance' | 'agent-serving';

export interface WhoAmI { tenantId: string; actor: { kind: string; id: string }; roles: string[] }

export class ApiError extends Error {
  constructor(readonly status: number, message: string) { super(message); }
}

const KEY = 'reverie.console.key';
let services: Record<Service, string> | undefined;
let me: WhoAmI | undefined;

async function config(): Promise<Record<Service, string>> {
  if (!services) {
    const res = await fetch('/console-config.json');
    if (!res.ok) throw new ApiError(res.status, 'the console could not load where the services are (/console-config.json)');
    services = ((await res.json()) as { services: Record<Service, string> }).services;
  }
  return services;
}

export const credential = (): string | null => sessionStorage.getItem(KEY);
export const whoami = (): WhoAmI | undefined => me;
export const can = (role: string): boolean => me?.roles.includes(role) ?? false;

export async function api<T>(service: Service, path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const base = (await config())[service];
  const key = credential();
  const res = await fetch(`${base}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: { ...(key && { 'x-api-key': key }), ...(init.body !== undefined && { 'content-type': 'application/json' }) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await res.text();
  const body = text ? JSON.parse(text) : undefined;
  if (!res.ok) throw new ApiError(res.status, (body as { detail?: string; title?: string } | undefined)?.detail ?? (body as { title?: string } | undefined)?.title ?? `${service} answered ${res.status}`);
  return body as T;
}

/** Signs in with an API key: kept for this browser tab only, checked by asking who it is. */
export async function signIn(key: string): Promise<WhoAmI> {
  sessionStorage.setItem(KEY, key.trim());
  try {
    me = await api<WhoAmI>('session-ingest', '/v1/whoami');
    return me;
  } catch (err) {
    sessionStorage.removeItem(KEY);
    throw err;
  }
}

export async function resume(): Promise<WhoAmI | undefined> {
  if (!credential()) return undefined;
  try {
    me = await api<WhoAmI>('session-ingest', '/v1/whoami');
    return me;
  } catch {
    signOut();
    return undefined;
  }
}

export function signOut(): void {
  sessionStorage.removeItem(KEY);
  me = undefined;
}
