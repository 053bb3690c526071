import { html, nothing, type TemplateResult } from 'lit-html';
import { api } from '../api';
import { dateTime, short } from '../format';
import { rerender } from '../main';

interface ServedAt {
  agentId: string; at: string;
  answer?: { eventId: string; occurredAt: string; sessionId: string | null; askedBy: string; lessons: { lessonId: string; version: number; text: string; arm: string }[] };
  liveThen: { lessonId: string; version: number; text: string; agentId: string | null; liveFrom: string; liveUntil: string | null }[];
}
interface BlastRadius { lessonId: string; servedSessions: number; withheldSessions: number; agents: string[]; sessions: { sessionId: string; agentId: string; arm: string; versions: number[]; firstAt: string }[] }

/** What agent X was served at time T; a lesson's blast radius. */
export async function investigatePage(params: URLSearchParams): Promise<TemplateResult> {
  let served: ServedAt | undefined;
  let radius: BlastRadius | undefined;
  let error = '';
  const askAgent = async (e: Event) => {
    e.preventDefault();
    const f = new FormData(e.target as HTMLFormElement);
    try {
      served = await api<ServedAt>('agent-serving', `/v1/agents/${encodeURIComponent(String(f.get('agent')))}/served?at=${encodeURIComponent(new Date(String(f.get('at'))).toISOString())}`);
      error = '';
    } catch (err) { error = (err as Error).message; }
    rerender(view());
  };
  const askLesson = async (e: Event) => {
    e.preventDefault();
    const f = new FormData(e.target as HTMLFormElement);
    try {
      radius = await api<BlastRadius>('agent-serving', `/v1/lessons/${encodeURIComponent(String(f.get('lesson')))}/servings`);
      error = '';
    } catch (err) { error = (err as Error).message; }
    rerender(view());
  };
  const view = (): TemplateResult => html`
    <h1>Investigate</h1>
    ${error ? html`<p role="alert">${error}</p>` : nothing}
    <section><h2>What was an agent served?</h2>
      <form class="grid" @submit=${askAgent}>
        <label>Agent <input name="agent" required value=${params.get('agent') ?? ''} /></label>
        <label>At <input name="at" type="datetime-local" required /></label>
        <button type="submit">Look</button>
      </form>
      ${served ? html`<p>${served.answer ? html`Last answer at or before ${dateTime(served.at)}: ${dateTime(served.answer.occurredAt)}, session ${served.answer.sessionId ?? '–'}, asked by ${served.answer.askedBy}.` : 'No answer to this agent by then.'}</p>
        ${served.answer?.lessons.length ? html`<ul>${served.answer.lessons.map((l) => html`<li><a href="#/lesson/${l.lessonId}">${l.lessonId.slice(0, 8)}</a> v${l.version} (${l.arm}): ${short(l.text, 140)}</li>`)}</ul>` : nothing}
        <p>Live for it then: ${served.liveThen.length} lesson version(s).</p>
        <ul>${served.liveThen.map((l) => html`<li>v${l.version} ${short(l.text, 120)} <small class="muted">${dateTime(l.liveFrom)} → ${l.liveUntil ? dateTime(l.liveUntil) : 'now'}</small></li>`)}</ul>` : nothing}
    </section>
    <section><h2>Where did a lesson go?</h2>
      <form class="grid" @submit=${askLesson}>
        <label>Lesson id <input name="lesson" required value=${params.get('lesson') ?? ''} /></label>
        <button type="submit">Blast radius</button>
      </form>
      ${radius ? html`<p>Served to ${radius.servedSessions} session(s) of ${radius.agents.join(', ') || 'no agent'}; withheld from ${radius.withheldSessions}.</p>
        <table class="striped"><thead><tr><th scope="col">Session</th><th scope="col">Agent</th><th scope="col">Arm</th><th scope="col">Versions</th><th scope="col">First served</th></tr></thead>
        <tbody>${radius.sessions.slice(0, 200).map((s) => html`<tr><td><a href="#/session/${encodeURIComponent(s.sessionId)}">${s.sessionId}</a></td><td>${s.agentId}</td><td>${s.arm}</td><td>${s.versions.join(', ')}</td><td>${dateTime(s.firstAt)}</td></tr>`)}</tbody></table>` : nothing}
    </section>`;
  return view();
}
