import type { SessionCipher } from '@reverie/content-crypto';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { SessionEvent, Topology } from '@reverie/contracts';

/** A small valid session as a publisher sends it (no tenantId, recordedAt or schemaVersion). */
export function sessionEvents(sessionId: string, options: { prefix?: string; texts?: string[]; toolInput?: unknown; toolOutput?: string; isError?: boolean } = {}): Record<string, unknown>[] {
  const p = options.prefix ?? sessionId;
  const at = (s: number) => new Date(Date.UTC(2025, 0, 1, 12, 0, s)).toISOString();
  const base = (i: number, type: string, data: Record<string, unknown>, actor = 'agent') => ({
    id: `${p}-e${i}`, type, streamId: sessionId, occurredAt: at(i), actor: { kind: actor, id: actor === 'user' ? 'u1' : 'agent-1' }, correlationId: sessionId, data: { seq: i, ...data },
  });
  const texts = options.texts ?? ['please list the files', 'running ls'];
  return [
    base(0, 'SessionStarted', { agentId: 'agent-1', userId: 'u1', source: 'native', startedAt: at(0), task: texts[0] }),
    base(1, 'UserMessageRecorded', { text: texts[0] }, 'user'),
    base(2, 'AssistantMessageRecorded', { text: texts[1] ?? 'ok' }),
    base(3, 'ToolCallRecorded', { toolCallId: 'call-1', toolName: 'bash', input: options.toolInput ?? { command: 'ls' } }),
    base(4, 'ToolResultRecorded', { toolCallId: 'call-1', toolName: 'bash', output: options.toolOutput ?? 'a.txt', isError: options.isError ?? false }),
    base(5, 'SessionEnded', { outcome: 'success' }),
  ];
}

/** Number of messages in the namespace's SESSIONS stream. */
export async function sessionsMessageCount(nc: NatsConnection, topology: Topology): Promise<number> {
  const jsm = await jetstreamManager(nc);
  return (await jsm.streams.info(topology.streamName('sessions'))).state.messages;
}

/** Every message of SESSIONS as raw text (subject, headers and body), via an ordered consumer. */
export async function readSessionsRaw(nc: NatsConnection, topology: Topology): Promise<{ subject: string; text: string }[]> {
  const expected = await sessionsMessageCount(nc, topology);
  const out: { subject: string; text: string }[] = [];
  if (!expected) return out;
  const consumer = await jetstream(nc).consumers.get(topology.streamName('sessions'));
  const messages = await consumer.consume();
  const decoder = new TextDecoder();
  for await (const m of messages) {
    const headers = m.headers ? [...m.headers.keys()].map((k) => `${k}: ${m.headers!.get(k)}`).join('\n') : '';
    out.push({ subject: m.subject, text: `${headers}\n${decoder.decode(m.data)}` });
    if (m.info.pending === 0) break;
  }
  await messages.close();
  return out;
}

export const postJson = async (url: string, body: unknown, headers: Record<string, string>): Promise<{ status: number; contentType: string; body: any }> => {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body) });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // keep the text
  }
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: parsed };
};

/** The events of SESSIONS read raw and opened with a tenant's keys (what a consumer sees). */
export async function readSessionsOpened(nc: NatsConnection, topology: Topology, cipher: SessionCipher): Promise<SessionEvent[]> {
  const raw = await readSessionsRaw(nc, topology);
  const events = raw.map((m) => JSON.parse(m.text.slice(m.text.indexOf('\n{') + 1)) as SessionEvent);
  const opened: SessionEvent[] = [];
  for (const e of events) opened.push(...(await cipher.open(e.tenantId, [e])));
  return opened;
}
