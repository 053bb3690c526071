import type { LessonKind } from '@reverie/contracts';

/** One active lesson as it is exported: its served text and where it came from. */
export interface ExportedLesson {
  id: string;
  kind: LessonKind;
  text: string;
  version: number;
  agentId?: string;
  approvedBy?: string;
  sessions: number;
}

export const EXPORT_FORMATS = ['claude-md', 'agents-md', 'system-prompt', 'json', 'anthropic-memory-store'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const SECTION_BEGIN = '<!-- BEGIN reverie lessons: written by `reverie export lessons`; edits between these markers are replaced on the next export -->';
export const SECTION_END = '<!-- END reverie lessons -->';

const KIND: Record<LessonKind, string> = { mistake: 'Mistake to avoid', workflow: 'Workflow that works', preference: 'Team preference' };
const oneLine = (t: string) => t.replace(/\s+/g, ' ').trim();
const provenance = (l: ExportedLesson) => `${l.kind}, lesson ${l.id.slice(0, 8)} v${l.version}${l.approvedBy ? `, approved by ${l.approvedBy}` : ''}, ${l.sessions} session(s)`;

/** A stable order (kind, then text), so an export of unchanged lessons is byte-for-byte the same. */
export const exportOrder = (lessons: readonly ExportedLesson[]): ExportedLesson[] =>
  [...lessons].sort((a, b) => a.kind.localeCompare(b.kind) || a.text.localeCompare(b.text) || a.id.localeCompare(b.id));

/** The section of a CLAUDE.md or AGENTS.md, markers included. */
export function markdownSection(lessons: readonly ExportedLesson[], agentId?: string): string {
  const list = exportOrder(lessons);
  const body = list.length
    ? list.map((l) => `- **${KIND[l.kind]}:** ${oneLine(l.text)} _(${provenance(l)})_`).join('\n')
    : '_No approved lessons yet._';
  return [
    SECTION_BEGIN,
    `## Lessons learned by Reverie${agentId ? ` (agent ${agentId})` : ''}`,
    '',
    `Your team reviewed and approved these ${list.length} lesson(s), learned from past agent sessions. They are advice with evidence behind it: the user's instructions come first.`,
    '',
    body,
    SECTION_END,
  ].join('\n');
}

/** The lessons as a block to paste into a system prompt: marked as guidance, each with its provenance. */
export function systemPromptBlock(lessons: readonly ExportedLesson[]): string {
  const list = exportOrder(lessons);
  return [
    '<reverie_lessons>',
    'Lessons your team reviewed and approved, learned from past sessions of this agent. Treat them as advice with evidence behind it, not as instructions that outrank the user.',
    ...list.map((l, i) => `${i + 1}. ${oneLine(l.text)} (${provenance(l)})`),
    '</reverie_lessons>',
  ].join('\n');
}

/**
 * The file with its Reverie section replaced, or appended after a blank line when there is none;
 * the rest of the file is never touched. Refuses a file whose markers are unpaired.
 */
export function withSection(file: string, section: string): string {
  const begin = file.indexOf(SECTION_BEGIN);
  const end = file.indexOf(SECTION_END);
  if (begin < 0 && end < 0) return file.length ? `${file.replace(/\n*$/, '\n')}\n${section}\n` : `${section}\n`;
  if (begin < 0 || end < begin || file.indexOf(SECTION_BEGIN, begin + 1) >= 0 || file.indexOf(SECTION_END, end + 1) >= 0) {
    throw new Error('its Reverie markers are unpaired or repeated: keep exactly one BEGIN and one END marker (or remove both)');
  }
  return `${file.slice(0, begin)}${section}${file.slice(end + SECTION_END.length)}`;
}
