import { ROUTES, type LessonView, type ServedLesson } from '@reverie/contracts';
import type { CliConfig } from '../cli-config';
import { callService, CliError } from '../http';
import { table, wrap, type Output } from '../output';

export function renderLesson(l: LessonView): string {
  const refs = l.evidence.refs.slice(0, 3).map((r) => `      ${r.sessionId} / ${r.eventId}${r.excerpt ? `: ${oneLine(r.excerpt, 80)}` : ''}`);
  const live = l.live;
  return [
    `${l.id}  [${l.kind}, ${statusLabel(l)}]  support: ${plural(l.support.sessions, 'session')}, ${plural(l.support.distinctUsers, 'user')}${l.support.credentials ? ` from ${plural(l.support.credentials.length, 'ingesting credential')}` : ''}, confidence ${l.confidence.toFixed(2)}`,
    ...(l.tainted?.length ? [`    TAINTED: rests on untrusted evidence (${l.tainted.join(', ')}); read its wording as theirs`] : []),
    wrap(l.text, 96, '    '),
    ...(l.textVersion > 1 ? [`    text version ${l.textVersion} (${l.textHash.slice(0, 12)}), edited by ${(l.editors ?? []).join(', ') || '?'}`] : []),
    ...(live && live.textHash !== l.textHash ? [`    served meanwhile (v${live.version}):`, wrap(live.text, 96, '      ')] : []),
    ...(l.policy?.verdict === 'block' ? l.policy.violations.map((v) => `    BLOCKED by ${v.rule}: ${v.detail}${v.match ? ` [${oneLine(v.match, 60)}]` : ''}`) : []),
    ...(l.approvals?.length ? [`    approvals so far: ${l.approvals.map((a) => a.reviewer).join(', ')}`] : []),
    `    scope: ${[l.scope.agentId && `agent ${l.scope.agentId}`, l.scope.tools?.length && `tools ${l.scope.tools.join(', ')}`, l.scope.taskCluster && `task "${oneLine(l.scope.taskCluster, 50)}"`].filter(Boolean).join('; ') || 'tenant-wide'}`,
    `    evidence (${l.evidence.refs.length} refs${Object.keys(l.evidence.counts).length ? `; ${Object.entries(l.evidence.counts).map(([k, v]) => `${k} ${v}`).join(', ')}` : ''}):`,
    ...refs,
  ].join('\n');
}

/** `active v2`, `canary v1 (10% until …)`, `in-review` … */
function statusLabel(l: LessonView): string {
  const live = l.live;
  if (l.status === 'canary' && live) return `canary v${live.version}, ${Math.round((live.share ?? 0) * 100)}% of sessions until ${live.promoteAt}`;
  if (l.status === 'active' && live) return `active v${live.version}${live.reviewBy ? `, review by ${live.reviewBy.slice(0, 10)}` : ''}`;
  return live ? `${l.status}; v${live.version} served` : l.status;
}

const oneLine = (s: string, n: number) => { const t = s.replace(/\s+/g, ' ').trim(); return t.length > n ? `${t.slice(0, n - 1)}…` : t; };

export async function lessonsListCommand(config: CliConfig, out: Output, opts: { status?: string; limit?: string }): Promise<void> {
  const q = new URLSearchParams();
  if (opts.status) q.set('status', opts.status);
  if (opts.limit) q.set('limit', opts.limit);
  const lessons = await callService<LessonView[]>(config, 'lesson-governance', `${ROUTES.lessons}${q.size ? `?${q}` : ''}`);
  out.result(lessons, () => lessons.length
    ? `${lessons.length} lesson(s)${opts.status ? ` with status ${opts.status}` : ''}:\n\n${lessons.map(renderLesson).join('\n\n')}`
    : `No lessons${opts.status ? ` with status ${opts.status}` : ''} yet. Ingest sessions (\`reverie ingest <path>\`) and run \`reverie dream --wait\`.`);
}

export async function lessonsShowCommand(config: CliConfig, out: Output, id: string): Promise<void> {
  const lesson = await callService<LessonView & { audit?: { type: string; actor: { id: string }; occurredAt: string }[] }>(config, 'lesson-governance', ROUTES.lesson(id));
  out.result(lesson, () => `${renderLesson(lesson)}${lesson.audit?.length ? `\n    history:\n${lesson.audit.map((a) => `      ${a.occurredAt}  ${a.type} by ${a.actor.id}`).join('\n')}` : ''}`);
}

/** Approve or reject as the CLI's key: the decider recorded is the key's actor (its name), never a name given here. */
export async function lessonsDecideCommand(config: CliConfig, out: Output, id: string, decision: 'approve' | 'reject', opts: { note?: string; reason?: string; textHash?: string }): Promise<void> {
  const path = decision === 'approve' ? ROUTES.approveLesson(id) : ROUTES.rejectLesson(id);
  const body = decision === 'approve'
    ? { ...(opts.note !== undefined && { note: opts.note }), ...(opts.textHash !== undefined && { textHash: opts.textHash }) }
    : { reason: opts.reason };
  const lesson = await callService<LessonView>(config, 'lesson-governance', path, { body });
  out.result(lesson, () => `${decisionLine(decision, lesson)}:\n${renderLesson(lesson)}`);
}

/** With a two-person policy an approval may be recorded while the lesson stays in review: say so, not "Approved". */
function decisionLine(decision: 'approve' | 'reject', lesson: LessonView): string {
  if (decision === 'reject') return `Rejected${lesson.decidedBy ? ` by ${lesson.decidedBy}` : ''}`;
  if (lesson.status === 'in-review' && lesson.approvals?.length) {
    const last = lesson.approvals[lesson.approvals.length - 1];
    return `Approval ${lesson.approvals.length} recorded by ${last.reviewer}; the tenant's policy needs more distinct approvers before agents are served it`;
  }
  return `Approved${lesson.approvers?.length ? ` by ${lesson.approvers.join(' and ')}` : lesson.decidedBy ? ` by ${lesson.decidedBy}` : ''}`;
}

/** Edit the text under review: a new version, checked by the guardrails at once (reviewer or approver). */
export async function lessonsEditCommand(config: CliConfig, out: Output, id: string, opts: { text?: string; rationale?: string }): Promise<void> {
  if (!opts.text) throw new CliError('--text is required: the new text of the lesson');
  const lesson = await callService<LessonView>(config, 'lesson-governance', ROUTES.editLesson(id), { body: { text: opts.text, ...(opts.rationale !== undefined && { rationale: opts.rationale }) } });
  out.result(lesson, () => `Edited (text version ${lesson.textVersion}); ${lesson.status === 'blocked' ? 'the guardrails BLOCK it' : 'in review'}:\n${renderLesson(lesson)}`);
}

/** Promote a canary to every agent, roll back the served version, retire, or reopen: each with a reason for the audit. */
export async function lessonsActionCommand(config: CliConfig, out: Output, id: string, action: 'promote' | 'rollback' | 'retire' | 'reopen', opts: { reason?: string }): Promise<void> {
  if (!opts.reason) throw new CliError(`--reason is required to ${action} a lesson (it is kept in the audit trail)`);
  const route = { promote: ROUTES.promoteLesson, rollback: ROUTES.rollbackLesson, retire: ROUTES.retireLesson, reopen: ROUTES.reopenLesson }[action](id);
  const lesson = await callService<LessonView>(config, 'lesson-governance', route, { body: { reason: opts.reason } });
  const done = { promote: 'Promoted to every agent', rollback: lesson.live ? `Rolled back to version ${lesson.live.version}` : 'Rolled back: nothing of it is served', retire: 'Retired', reopen: 'Reopened for review' }[action];
  out.result(lesson, () => `${done}:\n${renderLesson(lesson)}`);
}

/** The lesson's audit trail: every event with its actor, an edit with its diff. */
export async function lessonsHistoryCommand(config: CliConfig, out: Output, id: string): Promise<void> {
  const lesson = await callService<LessonView & { audit?: { type: string; actor: { id: string }; occurredAt: string; data: Record<string, unknown> }[] }>(config, 'lesson-governance', ROUTES.lesson(id));
  const audit = lesson.audit ?? [];
  out.result(audit, () => audit.map((a) => {
    const d = a.data;
    const extra = a.type === 'LessonEdited' ? `: ${String(d.diff)}`
      : a.type === 'LessonPolicyChecked' ? `: ${String(d.verdict)}${Array.isArray(d.violations) && d.violations.length ? ` (${(d.violations as { rule: string }[]).map((v) => v.rule).join(', ')})` : ''}`
      : typeof d.reason === 'string' ? `: ${d.reason}` : typeof d.note === 'string' ? `: ${d.note}` : '';
    return `${a.occurredAt}  ${a.type} by ${a.actor.id}${extra}`;
  }).join('\n') || 'No history.');
}

export async function agentLessonsCommand(config: CliConfig, out: Output, agentId: string, opts: { session?: string }): Promise<void> {
  const q = opts.session ? `?sessionId=${encodeURIComponent(opts.session)}` : '';
  const served = await callService<{ agentId: string; lessons: ServedLesson[] }>(config, 'agent-serving', `${ROUTES.agentLessons(agentId)}${q}`);
  out.result(served, () => served.lessons.length
    ? `${served.lessons.length} lesson(s) served to ${agentId}:\n${served.lessons.map((l) => `  - [${l.kind} v${l.version}] ${l.text}`).join('\n')}`
    : `No approved lessons for ${agentId}.`);
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

interface ServedSetChange { at: string; lessonId: string; change: string; event: string; version?: number; by: string; reason?: string; kind: string; text: string; agentId?: string }
const MARK: Record<string, string> = { added: '+', widened: '>', replaced: '~', withdrawn: '-', restored: '<' };

/** What changed in the served set since a date: `+` added, `>` canary widened to all, `~` new version, `-` withdrawn, `<` restored. */
export async function lessonsDiffCommand(config: CliConfig, out: Output, opts: { since?: string }): Promise<void> {
  if (!opts.since) throw new CliError('--since is required: a date (2026-11-01) or an ISO date-time');
  const changes = await callService<ServedSetChange[]>(config, 'lesson-governance', `${ROUTES.lessonChanges}?since=${encodeURIComponent(opts.since)}`);
  out.result(changes, () => changes.length
    ? changes.map((c) => `${MARK[c.change] ?? '?'} ${c.at}  ${c.lessonId}${c.version ? ` v${c.version}` : ''} ${c.change} by ${c.by}${c.agentId ? ` (agent ${c.agentId})` : ''}${c.reason ? `: ${oneLine(c.reason, 80)}` : ''}\n    ${oneLine(c.text, 110)}`).join('\n')
    : `No change to the served lessons since ${opts.since}.`);
}

const pct = (n: number, of: number) => (of ? `${Math.round((100 * n) / of)}%` : '-');

/**
 * `reverie lessons efficacy`: per served lesson, does it change what agents do? Sessions served
 * it and not (canary control and holdout), how often its pattern recurred in each, the effect with
 * its 95% interval, and the verdict of the latest dream's measurement.
 */
export async function lessonsEfficacyCommand(config: CliConfig, out: Output): Promise<void> {
  const lessons = (await callService<LessonView[]>(config, 'lesson-governance', `${ROUTES.lessons}?status=approved&limit=500`))
    .sort((a, b) => (a.efficacy?.verdict ?? 'zz').localeCompare(b.efficacy?.verdict ?? 'zz') || a.id.localeCompare(b.id));
  const rows = lessons.map((l) => {
    const e = l.efficacy;
    return [
      l.id.slice(0, 8), `v${l.live?.version ?? l.version}`, e?.verdict ?? 'not measured',
      e ? `${e.served.sessions} (${pct(e.served.recurred, e.served.sessions)} recur, ${pct(e.served.failed, e.served.sessions)} fail)` : '-',
      e ? `${e.control.sessions} (${pct(e.control.recurred, e.control.sessions)} recur, ${pct(e.control.failed, e.control.sessions)} fail)` : '-',
      e ? `${e.effect >= 0 ? '-' : '+'}${Math.abs(Math.round(e.effect * 100))} pts [${Math.round(e.interval[0] * 100)}, ${Math.round(e.interval[1] * 100)}]` : '-',
      l.text.length > 60 ? `${l.text.slice(0, 57)}...` : l.text,
    ];
  });
  out.result(lessons.map((l) => ({ id: l.id, version: l.live?.version ?? l.version, text: l.text, efficacy: l.efficacy ?? null })), () => (rows.length
    ? `${table(rows, ['lesson', 'ver', 'verdict', 'served', 'not served', 'recurrence when served', 'text'])}\n\nRecurrence: how often the pattern the lesson targets came back. "not served" is the canary's control arm and the holdout (REVERIE_HOLDOUT_SHARE on agent-serving).`
    : 'No served lessons yet.'));
}
