/**
 * Streams and subjects, in one place. A namespace prefix (REVERIE_NAMESPACE) lets several
 * isolated deployments, or parallel test runs, share one NATS server: namespace `t1` gives
 * stream `t1_SESSIONS` on subjects `t1.sessions.>`. The default namespace is empty.
 */
export type StreamKey = 'sessions' | 'dreams' | 'lessons' | 'serving' | 'deadletter';

const STREAM_BASE: Record<StreamKey, { name: string; token: string }> = {
  sessions: { name: 'SESSIONS', token: 'sessions' },
  dreams: { name: 'DREAMS', token: 'dreams' },
  lessons: { name: 'LESSONS', token: 'lessons' },
  serving: { name: 'SERVING', token: 'serving' },
  deadletter: { name: 'DEADLETTER', token: 'dlq' },
};

export const STREAM_KEYS = Object.keys(STREAM_BASE) as StreamKey[];

export interface Topology {
  namespace: string;
  streamName(key: StreamKey): string;
  /** `sessions.<tenant>.<id>` */
  subject(key: Exclude<StreamKey, 'deadletter'>, tenantId: string, streamId: string): string;
  /** `sessions.>` — everything a stream holds. */
  wildcard(key: StreamKey): string;
  /** `sessions.<tenant>.>` */
  tenantWildcard(key: Exclude<StreamKey, 'deadletter'>, tenantId: string): string;
  deadletterSubject(consumer: string): string;
  /** Request/reply command subjects (core NATS, not stored). */
  command(name: CommandName, tenantId?: string): string;
  /** Splits a stream subject back into tenant and aggregate id. */
  parseSubject(subject: string): { key: StreamKey; tenantId: string; streamId: string } | undefined;
  /** Durable consumer names are `<app>--<purpose>`; namespaced like streams. */
  consumerName(app: string, purpose: string): string;
}

/**
 * `projections.list.<service>` and `projections.rebuild.<service>` are the operator's
 * (`reverie rebuild`), answered by the service; `projections.progress.<id>` carries a rebuild's progress back.
 */
export type CommandName = 'ingest' | 'dream.request' | 'serving.lessons' | 'lessons.propose' | 'lessons.erase' | 'dreaming.erase'
  | 'projections.list' | 'projections.rebuild' | 'projections.progress';

const NAMESPACE = /^[a-z0-9_]{0,32}$/;

export function topology(namespace = ''): Topology {
  if (!NAMESPACE.test(namespace)) {
    throw new Error(`REVERIE_NAMESPACE "${namespace}" must be 0-32 characters of a-z 0-9 _`);
  }
  const sp = namespace ? `${namespace}.` : '';
  const np = namespace ? `${namespace}_` : '';
  const tokens = new Map(STREAM_KEYS.map((k) => [STREAM_BASE[k].token, k]));
  return {
    namespace,
    streamName: (key) => `${np}${STREAM_BASE[key].name}`,
    subject: (key, tenantId, streamId) => `${sp}${STREAM_BASE[key].token}.${tenantId}.${streamId}`,
    wildcard: (key) => `${sp}${STREAM_BASE[key].token}.>`,
    tenantWildcard: (key, tenantId) => `${sp}${STREAM_BASE[key].token}.${tenantId}.>`,
    deadletterSubject: (consumer) => `${sp}dlq.${consumer}`,
    command: (name, tenantId) => `${sp}reverie.cmd.${name}${tenantId ? `.${tenantId}` : ''}`,
    consumerName: (app, purpose) => `${np}${app}--${purpose}`,
    parseSubject(subject) {
      const rest = sp && subject.startsWith(sp) ? subject.slice(sp.length) : sp ? undefined : subject;
      if (!rest) return undefined;
      const [token, tenantId, streamId] = rest.split('.');
      const key = tokens.get(token);
      if (!key || !tenantId || !streamId) return undefined;
      return { key, tenantId, streamId };
    },
  };
}
