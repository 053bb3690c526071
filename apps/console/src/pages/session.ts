import { html, nothing, type TemplateResult } from 'lit-html';
import { api } from '../api';
import { dateTime } from '../format';
import type { SessionEventView } from '../types';

const body = (e: SessionEventView): string => {
  const d = e.data;
  for (const k of ['text', 'task', 'output', 'reason']) if (typeof d[k] === 'string') return d[k] as string;
  if (d.input !== undefined) return `${String(d.toolName ?? '')} ${JSON.stringify(d.input)}`;
  return '';
};

/** A session's redacted transcript, the event a lesson cites highlighted and scrolled to. */
export async function sessionPage(id: string, params: URLSearchParams): Promise<{ view: TemplateResult }> {
  const { events, truncated } = await api<{ events: SessionEventView[]; truncated: boolean }>('session-ingest', `/v1/sessions/${encodeURIComponent(id)}/events`);
  const cited = params.get('event');
  const lesson = params.get('lesson');
  setTimeout(() => document.getElementById(`event-${cited}`)?.scrollIntoView({ block: 'center' }), 0);
  return { view: html`
    <p>${lesson ? html`<a href="#/lesson/${lesson}">← Back to the lesson</a>` : html`<a href="#/inbox">← Inbox</a>`}</p>
    <h1>Session ${id}</h1>
    <p class="muted">${events.length} events${truncated ? ' (the first ones)' : ''}; redacted at ingest, erased content reads [erased].${cited ? ' The cited event is highlighted.' : ''}</p>
    <ol class="transcript">${events.map((e) => {
      const content = html`<small class="muted">${dateTime(e.occurredAt)} · ${e.type} · ${e.actor.kind} ${e.actor.id}${e.data.isError === true ? ' · error' : ''}</small><pre>${body(e)}</pre>`;
      return html`<li id="event-${e.id}" aria-current=${e.id === cited ? 'true' : nothing}>${e.id === cited ? html`<mark class="cited">${content}</mark>` : content}</li>`;
    })}</ol>` };
}
