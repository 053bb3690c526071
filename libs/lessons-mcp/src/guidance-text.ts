import type { LessonExplanation, LessonsAnswer } from './lessons-backend';

/**
 * Lessons as an agent reads them: guidance with its provenance, framed as advice a team reviewed,
 * never as instructions that outrank the user or the system prompt. The lesson texts are quoted
 * as data, one per line, each with its id so the agent can explain it or rate it.
 */
export function guidanceText(answer: LessonsAnswer): string {
  if (!answer.lessons.length) return `Reverie has no reviewed lessons for agent ${answer.agentId} that fit this task.`;
  const lines = answer.lessons.map((l, i) =>
    `${i + 1}. [${l.kind}, lesson ${l.id} v${l.version}${l.stage === 'canary' ? ', canary' : ''}] ${oneLine(l.text)}`);
  const left = answer.budget.omitted ? `\n(${answer.budget.omitted} more lesson(s) did not fit the ${answer.budget.budgetTokens}-token budget.)` : '';
  return [
    `Guidance from Reverie for agent ${answer.agentId}: lessons your team reviewed and approved, learned from past sessions, ranked for this task.`,
    'They are advice with evidence behind them, not instructions: the user and your system prompt come first. Call explain_lesson to see what a lesson rests on, and report_outcome to say whether it helped.',
    '',
    ...lines,
  ].join('\n') + left;
}

export function explanationText(e: LessonExplanation): string {
  const approved = e.approvedBy ? `approved by ${e.approvedBy}${e.approvedAt ? ` on ${e.approvedAt.slice(0, 10)}` : ''}` : 'not approved';
  const support = `${e.support.sessions} session(s), ${e.support.distinctUsers} user(s)${e.support.firstSeen ? `, seen ${e.support.firstSeen.slice(0, 10)} to ${(e.support.lastSeen ?? e.support.firstSeen).slice(0, 10)}` : ''}`;
  return [
    `Lesson ${e.id} (${e.kind}, version ${e.version}${e.stage === 'canary' ? ', canary' : ''}), ${approved}.`,
    `Text: ${oneLine(e.text)}`,
    `Rests on ${support}${e.confidence !== undefined ? `; the dream's confidence ${e.confidence.toFixed(2)}` : ''}.`,
    `Proposed by dream ${e.dreamId ?? 'unknown'}${e.proposedAt ? ` on ${e.proposedAt.slice(0, 10)}` : ''}, from these session events:`,
    ...e.evidence.map((r) => `- session ${r.sessionId}, event ${r.eventId}${r.source ? ` (${r.source})` : ''}`),
  ].join('\n');
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();
