import type { SessionEvent } from '@reverie/contracts';
import { isSealed } from './sealed-string';

/** What an erased (shredded) value reads as once its key is gone. */
export const ERASED = '[erased]';

interface ContentCodec {
  /** A text field (a message, an output, a user id). */
  text(value: string): string;
  /** A structured field (a tool input, session metadata), as the event holds it. */
  value(value: unknown): unknown;
}

/**
 * The content of a session event: what people and tools said (messages, task and title, tool
 * inputs and outputs, feedback, the end reason) and who the user is (user ids, a user actor's id).
 * Everything else (ids, types, seq, tool names, outcome, times, routing) stays in the clear: the
 * system routes, deduplicates and counts on it without reading anyone's words.
 */
function mapContent(event: SessionEvent, codec: ContentCodec): SessionEvent {
  const d: Record<string, unknown> = { ...event.data };
  const text = (k: string) => { if (typeof d[k] === 'string') d[k] = codec.text(d[k] as string); };
  switch (event.type) {
    case 'SessionStarted':
      text('userId'); text('title'); text('task');
      if (d.metadata !== undefined) d.metadata = codec.value(d.metadata);
      break;
    case 'UserMessageRecorded':
    case 'FeedbackRecorded':
      text('text'); text('userId');
      break;
    case 'AssistantMessageRecorded':
      text('text');
      break;
    case 'ToolCallRecorded':
      d.input = codec.value(d.input);
      break;
    case 'ToolResultRecorded':
      text('output');
      break;
    case 'SessionEnded':
      text('reason');
      break;
    default:
      break;
  }
  const actor = event.actor.kind === 'user' ? { ...event.actor, id: codec.text(event.actor.id) } : event.actor;
  if (d.metadata === undefined) delete d.metadata;
  return { ...event, actor, data: d } as SessionEvent;
}

/** Session metadata must stay an object: sealed, it is `{ sealed: "<sealed JSON>" }`. */
const SEALED_KEY = 'sealed';
const sealedObject = (v: unknown): string | undefined => {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const s = (v as Record<string, unknown>)[SEALED_KEY];
  return Object.keys(v).length === 1 && typeof s === 'string' && isSealed(s) ? s : undefined;
};

/** Seals every content field of an event (a value already sealed is left as it is). */
export function sealSessionEvent(event: SessionEvent, seal: (plain: string) => string): SessionEvent {
  return mapContent(event, {
    text: (v) => (isSealed(v) ? v : seal(v)),
    value: (v) => {
      if ((typeof v === 'string' && isSealed(v)) || sealedObject(v)) return v;
      const sealed = seal(JSON.stringify(v ?? null));
      return event.type === 'SessionStarted' ? { [SEALED_KEY]: sealed } : sealed;
    },
  });
}

/**
 * Opens every sealed content field with `open` (undefined: its key was shredded, and the value
 * reads ERASED). Values that are not sealed (events stored before encryption) pass through.
 */
export function openSessionEvent(event: SessionEvent, open: (sealed: string) => string | undefined): SessionEvent {
  return mapContent(event, {
    text: (v) => (isSealed(v) ? open(v) ?? ERASED : v),
    value: (v) => {
      const sealed = typeof v === 'string' && isSealed(v) ? v : sealedObject(v);
      if (!sealed) return v;
      const json = open(sealed);
      return json === undefined ? (event.type === 'SessionStarted' ? undefined : ERASED) : JSON.parse(json);
    },
  });
}

/** The key ids an event's sealed fields name. */
export function sealedKids(event: SessionEvent, kidOf: (v: string) => string | undefined): Set<string> {
  const kids = new Set<string>();
  mapContent(event, {
    text: (v) => { const k = kidOf(v); if (k) kids.add(k); return v; },
    value: (v) => { const s = typeof v === 'string' ? v : sealedObject(v); const k = s && kidOf(s); if (k) kids.add(k); return v; },
  });
  return kids;
}
