import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { importContent, indexClaudeCodeLines } from './index';

/** Claude Code sessions of one developer, some of them continuations of others (samples/dev, MIT). */
const DIR = resolve(__dirname, '../../../samples/dev/claude-code-templar/sessions');

describe('Claude Code continued sessions', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.jsonl')).sort();
  const contents = new Map(files.map((f) => [f, readFileSync(join(DIR, f), 'utf8')]));
  const lineOwners = new Map<string, string>();
  for (const [f, c] of contents) indexClaudeCodeLines(f, c, lineOwners);
  const file = (prefix: string) => files.find((f) => f.startsWith(prefix)) as string;
  const sessionOf = (prefix: string) => file(prefix).replace(/\.jsonl$/, '');
  const continues = (file: string, owners?: ReadonlyMap<string, string>) => {
    const [main] = importContent(file, contents.get(file) as string, { tenantId: 'acme', lineOwners: owners }).sessions.filter((s) => !s.sessionId.includes('-agent-'));
    const started = main.events.find((e) => e.type === 'SessionStarted');
    return started?.type === 'SessionStarted' ? started.data.metadata?.continuesSessionId : undefined;
  };

  it('names the session a continuation picks up from (its first line\'s parentUuid is a line of that session)', () => {
    expect(continues(file('c056cf62'), lineOwners)).toBe(sessionOf('5e052a87'));
    expect(continues(file('91c1aab5'), lineOwners)).toBe(sessionOf('8e6737a7'));
  });

  it('links nothing for a session that starts its own conversation, or without the index', () => {
    expect(continues(file('5e052a87'), lineOwners)).toBeUndefined();
    expect(continues(file('c056cf62'))).toBeUndefined();
  });
});
