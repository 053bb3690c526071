import { html, svg, type TemplateResult } from 'lit-html';
import { api } from '../api';
import { dateTime, pct, short } from '../format';
import type { Lesson } from '../types';

/** Recurrence served vs not served, with the effect's interval, as a small bar chart per lesson. */
function chart(l: Lesson): TemplateResult {
  const e = l.efficacy!;
  const served = e.served.sessions ? e.served.recurred / e.served.sessions : 0;
  const control = e.control.sessions ? e.control.recurred / e.control.sessions : 0;
  const w = 220;
  return html`<svg width=${w + 60} height="44" role="img" aria-label=${`recurrence ${pct(served)} when served, ${pct(control)} when not`}>
    ${svg`<text x="0" y="14" font-size="11">served</text><rect x="56" y="4" width=${Math.max(1, served * w)} height="14" fill="#1b6e3a"></rect><text x=${60 + served * w} y="15" font-size="11">${pct(served)}</text>
    <text x="0" y="36" font-size="11">not served</text><rect x="56" y="26" width=${Math.max(1, control * w)} height="14" fill="#8a8a8a"></rect><text x=${60 + control * w} y="37" font-size="11">${pct(control)}</text>`}
  </svg>`;
}

/** Per served lesson: sessions served it and held out, recurrence in each, the effect with its interval, the verdict. */
export async function efficacyPage(): Promise<TemplateResult> {
  const lessons = (await api<Lesson[]>('lesson-governance', '/v1/lessons?status=approved&limit=500'))
    .sort((a, b) => (a.efficacy?.verdict ?? 'z').localeCompare(b.efficacy?.verdict ?? 'z'));
  return html`
    <h1>Efficacy</h1>
    <p class="muted">Does a lesson change what agents do? Each dream compares how often the pattern a lesson targets comes back in sessions served it and in sessions held out of it (the canary's control arm and the holdout).</p>
    <table class="striped"><thead><tr><th scope="col">Lesson</th><th scope="col">Verdict</th><th scope="col">Recurrence</th><th scope="col">Effect (95% interval)</th><th scope="col">Sessions</th><th scope="col">Measured</th></tr></thead>
    <tbody>${lessons.map((l) => html`<tr>
      <td><a href="#/lesson/${l.id}">${short(l.text, 90)}</a> <small class="muted">v${l.live?.version ?? l.version}</small></td>
      <td>${l.efficacy ? html`<span class="badge ${l.efficacy.verdict}">${l.efficacy.verdict}</span>` : html`<span class="muted">not measured</span>`}</td>
      <td>${l.efficacy ? chart(l) : ''}</td>
      <td>${l.efficacy ? `${Math.round(l.efficacy.effect * 100)} pts [${Math.round(l.efficacy.interval[0] * 100)}, ${Math.round(l.efficacy.interval[1] * 100)}]` : ''}</td>
      <td>${l.efficacy ? `${l.efficacy.served.sessions} served, ${l.efficacy.control.sessions} not` : ''}</td>
      <td>${l.efficacy ? dateTime(l.efficacy.measuredAt) : ''}</td>
    </tr>`)}</tbody></table>
    ${lessons.length ? '' : html`<p>No lessons are served yet.</p>`}`;
}
