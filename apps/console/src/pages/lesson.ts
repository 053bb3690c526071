import { html, nothing, type TemplateResult } from 'lit-html';
import { api, can } from '../api';
import { dateTime, pct } from '../format';
import { rerender } from '../main';
import type { Lesson } from '../types';

/** `[-removed-]` and `{+added+}` of the audit's word diff, as marked-up text. */
export function diffView(diff: string): TemplateResult {
  const parts = diff.split(/(\[-[\s\S]*?-\]|\{\+[\s\S]*?\+\})/g).filter(Boolean);
  return html`<p class="diff">${parts.map((p) => (p.startsWith('[-') ? html`<del>${p.slice(2, -2)}</del>` : p.startsWith('{+') ? html`<ins>${p.slice(2, -2)}</ins>` : p))}</p>`;
}

type Action = 'approve' | 'reject' | 'promote' | 'rollback' | 'retire' | 'reopen';
const NEEDS: Record<Action, string[]> = { approve: ['approver'], reject: ['reviewer', 'approver'], promote: ['approver'], rollback: ['approver'], retire: ['approver'], reopen: ['reviewer', 'approver'] };
const AVAILABLE: Record<Action, (l: Lesson) => boolean> = {
  approve: (l) => l.status === 'in-review', reject: (l) => l.status === 'in-review' || l.status === 'blocked',
  promote: (l) => l.live?.stage === 'canary', rollback: (l) => l.status === 'canary' || l.status === 'active',
  retire: (l) => !!l.live, reopen: (l) => ['rejected', 'retired', 'expired', 'rolled-back'].includes(l.status),
};

/** One lesson: its text and versions, the policy checks, taint, support, evidence (each opens its session), actions, audit. */
export async function lessonPage(id: string, show: () => Promise<void>): Promise<TemplateResult> {
  let lesson = await api<Lesson>('lesson-governance', `/v1/lessons/${encodeURIComponent(id)}`);
  let message = '';
  let editing = false;
  const act = async (action: Action) => {
    let body: Record<string, unknown> = {};
    if (action === 'approve') body = { textHash: lesson.textHash };
    else {
      const reason = prompt(`Why ${action} this lesson? (kept in the audit trail)`);
      if (!reason) return;
      body = { reason };
    }
    try {
      // The answer is the lesson as decided (the read model may not have it yet); the audit follows on the next visit.
      lesson = { ...await api<Lesson>('lesson-governance', `/v1/lessons/${lesson.id}/${action}`, { body }), audit: lesson.audit };
      message = `Done: ${action}.`;
    } catch (err) {
      message = `Refused: ${(err as Error).message}`;
    }
    rerender(view());
  };
  const edit = async (e: Event) => {
    e.preventDefault();
    const f = new FormData(e.target as HTMLFormElement);
    try {
      lesson = { ...await api<Lesson>('lesson-governance', `/v1/lessons/${lesson.id}/edit`, { body: { text: String(f.get('text')), ...(f.get('rationale') ? { rationale: String(f.get('rationale')) } : {}) } }), audit: lesson.audit };
      editing = false;
      message = 'Edited: a new text version, checked by the guardrails. Someone who did not edit it must approve it.';
    } catch (err) {
      message = `Not edited: ${(err as Error).message}`;
    }
    rerender(view());
  };
  const edits = () => (lesson.audit ?? []).filter((a) => a.type === 'LessonEdited');
  const view = (): TemplateResult => html`
    <p><a href="#/inbox">← Inbox</a></p>
    <h1>${lesson.kind} lesson <small class="muted">${lesson.id}</small></h1>
    ${message ? html`<p role="status">${message}</p>` : nothing}
    <article>
      <header><span class="badge">${lesson.status}</span> · text version ${lesson.textVersion}${lesson.live ? html` · serving v${lesson.live.version} (${lesson.live.stage}${lesson.live.share ? ` ${pct(lesson.live.share)}` : ''})` : nothing} · scope: ${lesson.scope.agentId ?? 'all agents'}${lesson.wordsErased ? html` · <span class="badge block">words erased</span>` : nothing}</header>
      ${editing ? html`
        <form @submit=${edit}>
          <label for="edit-text">Text</label>
          <textarea id="edit-text" name="text" rows="4" required>${lesson.text}</textarea>
          <label for="edit-rationale">Rationale (optional)</label>
          <input id="edit-rationale" name="rationale" value=${lesson.rationale ?? ''} />
          <div role="group"><button type="submit">Save as a new version</button><button type="button" class="secondary" @click=${() => { editing = false; rerender(view()); }}>Cancel</button></div>
        </form>` : html`<blockquote id="lesson-text">${lesson.text}</blockquote>${lesson.rationale ? html`<p class="muted">${lesson.rationale}</p>` : nothing}`}
      <footer><div role="group">
        <button class="outline" ?disabled=${!(can('reviewer') || can('approver')) || !['in-review', 'blocked', 'canary', 'active'].includes(lesson.status) || editing} @click=${() => { editing = true; rerender(view()); }}>Edit</button>
        ${(Object.keys(NEEDS) as Action[]).filter((a) => AVAILABLE[a](lesson)).map((a) => html`
          <button class=${a === 'approve' ? '' : 'outline secondary'} ?disabled=${!NEEDS[a].some(can)} title=${NEEDS[a].some(can) ? '' : `needs the ${NEEDS[a].join(' or ')} role`} @click=${() => act(a)}>${a[0].toUpperCase()}${a.slice(1)}</button>`)}
      </div>${can('approver') ? nothing : html`<small class="muted">Approving, promoting, rolling back and retiring need the approver role; the API refuses them to your key too.</small>`}</footer>
    </article>
    <section><h2>Policy checks</h2>
      ${lesson.policy ? html`<p><span class="badge ${lesson.policy.verdict}">${lesson.policy.verdict}</span> on ${dateTime(lesson.policy.checkedAt)}</p>
        ${lesson.policy.violations.length ? html`<ul>${lesson.policy.violations.map((v) => html`<li><strong>${v.rule}</strong>: ${v.detail}${v.match ? html` (<code>${v.match}</code>)` : nothing}</li>`)}</ul>` : html`<p>Every guardrail passed.</p>`}` : html`<p>Not checked yet.</p>`}
      ${lesson.tainted?.length ? html`<p><span class="badge tainted">tainted</span> It rests on untrusted kinds of evidence (${lesson.tainted.join(', ')}): its wording may carry what they said.</p>` : nothing}
    </section>
    <section><h2>Support</h2>
      <p>${lesson.support.sessions} sessions, ${lesson.support.distinctUsers} users, ${lesson.support.occurrences} occurrences, seen ${dateTime(lesson.support.firstSeen)} to ${dateTime(lesson.support.lastSeen)}; the dream's confidence ${pct(lesson.confidence)}.</p>
      ${lesson.efficacy ? html`<p>Efficacy of v${lesson.efficacy.version}: <span class="badge ${lesson.efficacy.verdict}">${lesson.efficacy.verdict}</span> — recurs in ${lesson.efficacy.served.recurred}/${lesson.efficacy.served.sessions} sessions served it, ${lesson.efficacy.control.recurred}/${lesson.efficacy.control.sessions} not served. <a href="#/efficacy">All efficacy</a></p>` : nothing}
    </section>
    <section><h2>Evidence (${lesson.evidence.refs.length})</h2>
      <ol>${lesson.evidence.refs.map((r) => html`<li><a href="#/session/${encodeURIComponent(r.sessionId)}?event=${encodeURIComponent(r.eventId)}&lesson=${lesson.id}">session ${r.sessionId}, event ${r.eventId}</a>${r.source ? html` <small class="muted">(${r.source})</small>` : nothing}${r.excerpt ? html`<br /><small><q>${r.excerpt}</q></small>` : nothing}</li>`)}</ol>
    </section>
    <section><h2>Versions</h2>
      ${edits().length ? edits().map((a) => html`<details><summary>Text version ${String(a.data.textVersion)} by ${a.actor.id}, ${dateTime(a.occurredAt)}</summary>${diffView(String(a.data.diff ?? ''))}</details>`) : html`<p>Version 1 as the dream proposed it; no edits.</p>`}
    </section>
    <section><h2>Audit trail</h2>
      <table class="striped"><thead><tr><th scope="col">When</th><th scope="col">What</th><th scope="col">Who</th><th scope="col">Why</th></tr></thead>
      <tbody>${(lesson.audit ?? []).map((a) => html`<tr><td>${dateTime(a.occurredAt)}</td><td>${a.type}</td><td>${a.actor.id}</td><td>${String(a.data.reason ?? a.data.note ?? '')}</td></tr>`)}</tbody></table>
    </section>`;
  void show;
  return view();
}
