import { html, nothing, type TemplateResult } from 'lit-html';
import { api, can } from '../api';
import { dateTime } from '../format';
import { rerender } from '../main';
import type { DreamView } from '../types';

/** Dream history: windows, counts, tokens spent against the naive baseline, duration, proposals; start a dream. */
export async function dreamsPage(show: () => Promise<void>): Promise<TemplateResult> {
  let dreams = await api<DreamView[]>('lesson-governance', '/v1/dreams');
  let message = '';
  const start = async () => {
    try {
      const d = await api<DreamView>('dreaming', '/v1/dreams', { body: { trigger: 'manual' } });
      message = `Dream ${d.id} ${d.status}.`;
      dreams = await api<DreamView[]>('lesson-governance', '/v1/dreams');
    } catch (err) {
      message = `Not started: ${(err as Error).message}`;
    }
    rerender(view());
  };
  const view = (): TemplateResult => html`
    <h1>Dreams</h1>
    ${message ? html`<p role="status">${message}</p>` : nothing}
    <p><button ?disabled=${!(can('reviewer') || can('admin') || can('approver'))} @click=${start}>Start a dream</button></p>
    <table class="striped"><thead><tr><th scope="col">Requested</th><th scope="col">Status</th><th scope="col">Trigger</th><th scope="col">Sessions</th><th scope="col">Candidates</th><th scope="col">Proposed</th><th scope="col">Tokens (naive baseline)</th><th scope="col">Duration</th></tr></thead>
    <tbody>${dreams.map((d) => html`<tr>
      <td>${dateTime(d.requestedAt)}</td><td>${d.status}${d.error ? html`<br /><small>${d.error}</small>` : nothing}</td><td>${d.trigger}</td>
      <td>${d.counts?.sessions ?? ''}</td><td>${d.counts?.candidates ?? ''}</td>
      <td>${d.proposedLessonIds.length ? d.proposedLessonIds.map((id) => html`<a href="#/lesson/${id}">${id.slice(0, 8)}</a> `) : '0'}</td>
      <td>${d.tokens ? `${d.tokens.input + d.tokens.output} (${d.counts?.naiveTokens ?? 0})` : ''}</td>
      <td>${d.durationMs !== undefined ? `${(d.durationMs / 1000).toFixed(1)} s` : ''}</td>
    </tr>`)}</tbody></table>
    ${dreams.length ? nothing : html`<p>No dream has run yet.</p>`}`;
  void show;
  return view();
}
