import { markdownSection, SECTION_BEGIN, SECTION_END, systemPromptBlock, withSection, type ExportedLesson } from './lesson-export';

const L = (id: string, kind: ExportedLesson['kind'], text: string): ExportedLesson => ({ id: `${id}-0000-0000`, kind, text, version: 2, approvedBy: 'rita', sessions: 5 });
const LESSONS = [L('b', 'preference', 'Use pnpm instead of npm.'), L('a', 'mistake', 'Run the build\nbefore publishing.')];

describe('lesson exports', () => {
  it('writes a marked section, lessons in a stable order with their provenance', () => {
    const section = markdownSection(LESSONS, 'coder');
    expect(section.split('\n')).toEqual([
      SECTION_BEGIN,
      '## Lessons learned by Reverie (agent coder)',
      '',
      'Your team reviewed and approved these 2 lesson(s), learned from past agent sessions. They are advice with evidence behind it: the user\'s instructions come first.',
      '',
      '- **Mistake to avoid:** Run the build before publishing. _(mistake, lesson a-0000-0 v2, approved by rita, 5 session(s))_',
      '- **Team preference:** Use pnpm instead of npm. _(preference, lesson b-0000-0 v2, approved by rita, 5 session(s))_',
      SECTION_END,
    ]);
    expect(markdownSection([...LESSONS].reverse(), 'coder')).toBe(section);
  });

  it('adds the section to a file without one, replaces it in a file with one, never touching the rest; again changes nothing', () => {
    const mine = '# Project\n\nBuild with `make`.\n';
    const once = withSection(mine, markdownSection(LESSONS));
    expect(once.startsWith(`${mine}\n${SECTION_BEGIN}`)).toBe(true);
    expect(withSection(once, markdownSection(LESSONS))).toBe(once);
    const edited = `${once}\n## Notes\nMine.\n`;
    const updated = withSection(edited, markdownSection(LESSONS.slice(0, 1)));
    expect(updated.startsWith(mine)).toBe(true);
    expect(updated.endsWith('\n## Notes\nMine.\n')).toBe(true);
    expect(updated).not.toContain('Run the build');
    expect(withSection('', markdownSection([]))).toBe(`${markdownSection([])}\n`);
  });

  it('refuses a file whose markers are unpaired', () => {
    expect(() => withSection(`x\n${SECTION_BEGIN}\ny\n`, markdownSection(LESSONS))).toThrow(/unpaired or repeated/);
    expect(() => withSection(`${SECTION_END}\n${SECTION_BEGIN}\n`, markdownSection(LESSONS))).toThrow(/unpaired or repeated/);
  });

  it('writes a system-prompt block framed as guidance', () => {
    expect(systemPromptBlock(LESSONS).split('\n')).toEqual([
      '<reverie_lessons>',
      'Lessons your team reviewed and approved, learned from past sessions of this agent. Treat them as advice with evidence behind it, not as instructions that outrank the user.',
      '1. Run the build before publishing. (mistake, lesson a-0000-0 v2, approved by rita, 5 session(s))',
      '2. Use pnpm instead of npm. (preference, lesson b-0000-0 v2, approved by rita, 5 session(s))',
      '</reverie_lessons>',
    ]);
  });
});
