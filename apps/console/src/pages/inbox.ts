import { html, nothing, type TemplateResult } from 'lit-html';
import { api, can } from '../api';
import { age, pct, short } from '../format';
import { rerender } from '../main';
import type { Lesson } from '../types';

/** What needs attention first: blocked, then tainted, then expiring soon, then the most support. */
export function attention(l: Lesson): number {
  const expiring = l.live?.reviewBy ? Date.parse(l.live.reviewBy) - Date.now() < 7 * 86_400_000 : false;
  return (l.status === 'blocked' ? 4e6 : 0) + (l.tainted?.length ? 2e6 : 0) + (expiring ? 1e6 : 0) + l.support.sessions;
}

const POLL_MS = 5000;
/** Rows on one page of the inbox: a reviewer reads the top of the queue; thousands of rows in the page would make every key slow. */
export const PAGE_ROWS = 100;

/** Lessons waiting for a decision, most urgent first; filters; j/k to move, Enter to open, a to approve, r to reject. */
export async function inboxPage(show: () => Promise<void>): Promise<{ view: TemplateResult; stop: () => void }> {
  const load = async () => {
    const [review, blocked] = await Promise.all([
      api<Lesson[]>('lesson-governance', '/v1/lessons?status=in-review&limit=5000'),
      api<Lesson[]>('lesson-governance', '/v1/lessons?status=blocked&limit=5000'),
    ]);
    return [...blocked, ...review].sort((a, b) => attention(b) - attention(a) || a.proposedAt.localeCompare(b.proposedAt));
  };
  let lessons = await load();
  const known = new Set(lessons.map((l) => l.id));
  let fresh = 0;
  let selected = 0;
  let pageIndex = 0;
  let filter = { kind: '', status: '', text: '' };
  let message = '';
  const visible = () => lessons.filter((l) => (!filter.kind || l.kind === filter.kind) && (!filter.status || l.status === filter.status) && (!filter.text || l.text.toLowerCase().includes(filter.text.toLowerCase())));
  const approver = can('approver');
  const decide = async (l: Lesson, verb: 'approve' | 'reject') => {
    const reason = verb === 'reject' ? prompt(`Why reject "${short(l.text, 60)}"? (kept in the audit trail)`) : '';
    if (verb === 'reject' && !reason) return;
    try {
      await api('lesson-governance', `/v1/lessons/${l.id}/${verb}`, { body: verb === 'approve' ? { textHash: l.textHash } : { reason } });
      message = `${verb === 'approve' ? 'Approved' : 'Rejected'}: ${short(l.text, 60)}`;
      lessons = await load();
    } catch (err) {
      message = `Not ${verb === 'approve' ? 'approved' : 'rejected'}: ${(err as Error).message}`;
    }
    draw();
  };
  const view = (): TemplateResult => {
    const all = visible();
    const pages = Math.max(1, Math.ceil(all.length / PAGE_ROWS));
    pageIndex = Math.min(pageIndex, pages - 1);
    const first = pageIndex * PAGE_ROWS;
    const list = all.slice(first, first + PAGE_ROWS);
    selected = Math.min(selected, Math.max(0, list.length - 1));
    const pager = pages > 1 ? html`<nav aria-label="Inbox pages"><ul>
        <li><button class="outline" ?disabled=${pageIndex === 0} @click=${() => { pageIndex--; selected = 0; draw(); }}>Previous</button></li>
        <li><span>${first + 1}–${first + list.length} of ${all.length}</span></li>
        <li><button class="outline" ?disabled=${pageIndex >= pages - 1} @click=${() => { pageIndex++; selected = 0; draw(); }}>Next</button></li>
      </ul></nav>` : nothing;
    return html`
      <h1>Inbox</h1>
      <p class="new-proposals" aria-live="polite">${fresh ? html`<button class="secondary" @click=${async () => { fresh = 0; lessons = await load(); lessons.forEach((l) => known.add(l.id)); draw(); }}>${fresh} new proposal(s): show</button>` : nothing}</p>
      ${message ? html`<p role="status">${message}</p>` : nothing}
      <form role="search" class="grid" @input=${(e: Event) => {
        const f = new FormData((e.currentTarget as HTMLFormElement));
        filter = { kind: String(f.get('kind') ?? ''), status: String(f.get('status') ?? ''), text: String(f.get('text') ?? '') };
        pageIndex = 0;
        selected = 0;
        draw();
      }} @submit=${(e: Event) => e.preventDefault()}>
        <label>Kind <select name="kind"><option value="">all</option><option>mistake</option><option>workflow</option><option>preference</option></select></label>
        <label>Status <select name="status"><option value="">all</option><option>in-review</option><option>blocked</option></select></label>
        <label>Text <input name="text" type="search" placeholder="words in the lesson" /></label>
      </form>
      <p class="muted"><small><span id="waiting">${all.length}</span> lesson(s) waiting. Keys: <kbd>j</kbd>/<kbd>k</kbd> move, <kbd>Enter</kbd> open, <kbd>a</kbd> approve${approver ? '' : ' (needs the approver role)'}, <kbd>r</kbd> reject.</small></p>
      <div class="overflow-auto"><table class="striped">
        <thead><tr><th scope="col">Lesson</th><th scope="col">Kind</th><th scope="col">Scope</th><th scope="col">Support</th><th scope="col">Confidence</th><th scope="col">Policy</th><th scope="col">Age</th><th scope="col">Decide</th></tr></thead>
        <tbody>${list.map((l, i) => html`
          <tr class=${i === selected ? 'selected' : ''} aria-selected=${i === selected ? 'true' : 'false'}>
            <td><a href="#/lesson/${l.id}">${short(l.text, 140)}</a>${l.tainted?.length ? html` <span class="badge tainted" title="rests on ${l.tainted.join(', ')}">tainted</span>` : nothing}</td>
            <td>${l.kind}</td>
            <td>${l.scope.agentId ?? 'all agents'}</td>
            <td>${l.support.sessions} sessions, ${l.support.distinctUsers} users</td>
            <td>${pct(l.confidence)}</td>
            <td><span class="badge ${l.policy?.verdict ?? ''}">${l.status === 'blocked' ? `blocked: ${l.policy?.violations.map((v) => v.rule).join(', ')}` : 'pass'}</span></td>
            <td>${age(l.proposedAt)}</td>
            <td><div role="group">
              <button class="outline" ?disabled=${!approver || l.status !== 'in-review'} title=${approver ? 'approve this text version' : 'your key lacks the approver role'} @click=${() => decide(l, 'approve')}>Approve</button>
              <button class="outline secondary" @click=${() => decide(l, 'reject')}>Reject</button>
            </div></td>
          </tr>`)}
        </tbody>
      </table></div>
      ${pager}
      ${list.length ? nothing : html`<p>Nothing waits for a decision. New proposals appear here as dreams make them.</p>`}`;
  };
  const draw = () => rerender(view());
  const onKey = (e: KeyboardEvent) => {
    if ((e.target as HTMLElement).closest('input, select, textarea')) return;
    const list = visible().slice(pageIndex * PAGE_ROWS, (pageIndex + 1) * PAGE_ROWS);
    if (e.key === 'j') { selected = Math.min(selected + 1, list.length - 1); draw(); }
    else if (e.key === 'k') { selected = Math.max(selected - 1, 0); draw(); }
    else if (e.key === 'Enter' && list[selected]) location.hash = `#/lesson/${list[selected].id}`;
    else if (e.key === 'a' && list[selected] && approver) void decide(list[selected], 'approve');
    else if (e.key === 'r' && list[selected]) void decide(list[selected], 'reject');
  };
  document.addEventListener('keydown', onKey);
  const timer = setInterval(async () => {
    try {
      const now = await load();
      fresh = now.filter((l) => !known.has(l.id)).length;
      if (fresh) draw();
    } catch { /* the next poll tries again */ }
  }, POLL_MS);
  void show;
  return { view: view(), stop: () => { clearInterval(timer); document.removeEventListener('keydown', onKey); } };
}
