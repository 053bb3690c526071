import { ROUTES, type LessonView, type ServedLesson } from '@reverie/contracts';
import type { CliConfig } from '../cli-config';
import { callService } from '../http';
import { wrap, type Output } from '../output';

export function renderLesson(l: LessonView): string {
  const refs = l.evidence.refs.slice(0, 3).map((r) => `      ${r.sessionId} / ${r.eventId}${r.excerpt ? `: ${oneLine(r.excerpt, 80)}` : ''}`);
  return [
    `${l.id}  [${l.kind}, ${l.status}${l.status === 'approved' ? ` v${l.version}` : ''}]  support: ${plural(l.support.sessions, 'session')}, ${plural(l.support.distinctUsers, 'user')}, confidence ${l.confidence.toFixed(2)}`,
    wrap(l.text, 96, '    '),
    `    scope: ${[l.scope.agentId && `agent ${l.scope.agentId}`, l.scope.tools?.length && `tools ${l.scope.tools.join(', ')}`, l.scope.taskCluster && `task "${oneLine(l.scope.taskCluster, 50)}"`].filter(Boolean).join('; ') || 'tenant-wide'}`,
    `    evidence (${l.evidence.refs.length} refs${Object.keys(l.evidence.counts).length ? `; ${Object.entries(l.evidence.counts).map(([k, v]) => `${k} ${v}`).join(', ')}` : ''}):`,
    ...refs,
  ].join('\n');
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
export async function lessonsDecideCommand(config: CliConfig, out: Output, id: string, decision: 'approve' | 'reject', opts: { note?: string; reason?: string }): Promise<void> {
  const path = decision === 'approve' ? ROUTES.approveLesson(id) : ROUTES.rejectLesson(id);
  const body = decision === 'approve' ? (opts.note === undefined ? {} : { note: opts.note }) : { reason: opts.reason };
  const lesson = await callService<LessonView>(config, 'lesson-governance', path, { body });
  out.result(lesson, () => `${decisionLine(decision, lesson)}:\n${renderLesson(lesson)}`);
}

/** With a two-person policy an approval may be recorded while the lesson stays proposed: say so, not "Approved". */
function decisionLine(decision: 'approve' | 'reject', lesson: LessonView): string {
  if (decision === 'reject') return `Rejected${lesson.decidedBy ? ` by ${lesson.decidedBy}` : ''}`;
  if (lesson.status === 'proposed' && lesson.approvals?.length) {
    const last = lesson.approvals[lesson.approvals.length - 1];
    return `Approval ${lesson.approvals.length} recorded by ${last.reviewer}; the tenant's policy needs more distinct approvers before agents are served it`;
  }
  return `Approved${lesson.approvers?.length ? ` by ${lesson.approvers.join(' and ')}` : lesson.decidedBy ? ` by ${lesson.decidedBy}` : ''}`;
}

export async function agentLessonsCommand(config: CliConfig, out: Output, agentId: string, opts: { session?: string }): Promise<void> {
  const q = opts.session ? `?sessionId=${encodeURIComponent(opts.session)}` : '';
  const served = await callService<{ agentId: string; lessons: ServedLesson[] }>(config, 'agent-serving', `${ROUTES.agentLessons(agentId)}${q}`);
  out.result(served, () => served.lessons.length
    ? `${served.lessons.length} lesson(s) served to ${agentId}:\n${served.lessons.map((l) => `  - [${l.kind} v${l.version}] ${l.text}`).join('\n')}`
    : `No approved lessons for ${agentId}.`);
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
