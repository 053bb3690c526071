import { ROUTES, type LessonView } from '@reverie/contracts';
import type { CliConfig } from '../cli-config';
import { callService, CliError } from '../http';
import { table, type Output } from '../output';

interface ServedAt {
  agentId: string;
  at: string;
  answer?: { eventId: string; occurredAt: string; sessionId: string | null; askedBy: string; lessons: { lessonId: string; version: number; kind: string; text: string; arm: string; stage?: string }[] };
  liveThen: { lessonId: string; version: number; kind: string; text: string; agentId: string | null; liveFrom: string; liveUntil: string | null }[];
}
interface BlastRadius {
  lessonId: string; servedSessions: number; withheldSessions: number; agents: string[];
  versions: { version: number; liveFrom: string; liveUntil: string | null }[];
  sessions: { sessionId: string; agentId: string; arm: string; versions: number[]; firstAt: string; lastAt: string; answers: number }[];
}

const short = (t: string, n = 70) => (t.length > n ? `${t.slice(0, n - 3)}...` : t);

/** `reverie investigate agent <id> --at <T>`: what the agent was served then, the texts as they were, and what was live for it. */
export async function investigateAgentCommand(config: CliConfig, out: Output, agentId: string, opts: { at?: string; session?: string }): Promise<void> {
  if (!opts.at || Number.isNaN(Date.parse(opts.at))) throw new CliError(`--at needs a date-time (2026-11-30T14:00:00Z) or a date${opts.at ? `, got "${opts.at}"` : ''}`);
  const q = new URLSearchParams({ at: new Date(opts.at).toISOString(), ...(opts.session && { sessionId: opts.session }) });
  const r = await callService<ServedAt>(config, 'agent-serving', `/v1/agents/${encodeURIComponent(agentId)}/served?${q}`);
  out.result(r, () => [
    r.answer
      ? `Last answer to ${agentId} at or before ${r.at}: ${r.answer.occurredAt}${r.answer.sessionId ? `, session ${r.answer.sessionId}` : ''}, asked by ${r.answer.askedBy} (event ${r.answer.eventId})`
      : `No answer to ${agentId}${opts.session ? ` in session ${opts.session}` : ''} at or before ${r.at}.`,
    ...(r.answer?.lessons.length ? [table(r.answer.lessons.map((l) => [l.lessonId.slice(0, 8), `v${l.version}`, l.arm, l.kind, short(l.text)]), ['lesson', 'ver', 'arm', 'kind', 'text as served'])] : r.answer ? ['  (no lessons in it)'] : []),
    '',
    `Live for ${agentId} at ${r.at}: ${r.liveThen.length} lesson version(s)`,
    ...(r.liveThen.length ? [table(r.liveThen.map((l) => [l.lessonId.slice(0, 8), `v${l.version}`, l.agentId ?? 'all agents', l.liveFrom, l.liveUntil ?? 'still live', short(l.text, 50)]), ['lesson', 'ver', 'for', 'live from', 'until', 'text'])] : []),
  ].join('\n'));
}

/** `reverie investigate lesson <id>`: every session it reached (its blast radius), and its lineage back to the session events it was learned from. */
export async function investigateLessonCommand(config: CliConfig, out: Output, lessonId: string): Promise<void> {
  const radius = await callService<BlastRadius>(config, 'agent-serving', `/v1/lessons/${encodeURIComponent(lessonId)}/servings`);
  const lesson = await callService<LessonView & { audit?: { type: string; actor: { id: string }; occurredAt: string }[] }>(config, 'lesson-governance', ROUTES.lesson(lessonId));
  const lineage = {
    dreamId: lesson.dreamId, proposedAt: lesson.proposedAt, support: { sessions: lesson.support.sessions, users: lesson.support.distinctUsers },
    evidence: lesson.evidence.refs.map((r) => ({ sessionId: r.sessionId, eventId: r.eventId, ...(r.source && { source: r.source }) })),
    decisions: (lesson.audit ?? []).map((a) => ({ type: a.type, by: a.actor.id, at: a.occurredAt })),
  };
  out.result({ lessonId, status: lesson.status, text: lesson.text, blastRadius: radius, lineage }, () => [
    `Lesson ${lessonId} (${lesson.status}): ${short(lesson.text, 100)}`,
    '',
    `Blast radius: served to ${radius.servedSessions} session(s) of ${radius.agents.join(', ') || 'no agent'}; withheld from ${radius.withheldSessions} (its control arm).`,
    ...radius.versions.map((v) => `  v${v.version} live ${v.liveFrom} to ${v.liveUntil ?? 'now'}`),
    ...(radius.sessions.length ? [table(radius.sessions.slice(0, 50).map((s) => [s.sessionId, s.agentId, s.arm, s.versions.map((v) => `v${v}`).join(','), s.firstAt, String(s.answers)]), ['session', 'agent', 'arm', 'versions', 'first served', 'answers'])] : []),
    ...(radius.sessions.length > 50 ? [`  … and ${radius.sessions.length - 50} more (see --json)`] : []),
    '',
    `Lineage: proposed by dream ${lineage.dreamId} on ${lineage.proposedAt} from ${lineage.support.sessions} session(s) of ${lineage.support.users} user(s); evidence:`,
    ...lineage.evidence.map((e) => `  session ${e.sessionId}, event ${e.eventId}${e.source ? ` (${e.source})` : ''}`),
    'Decisions:',
    ...lineage.decisions.map((d) => `  ${d.at}  ${d.type} by ${d.by}`),
  ].join('\n'));
}
