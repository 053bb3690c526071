import { reverieHookCommands, withReverieHooks } from './hook-settings';

const ours = reverieHookCommands('reverie', 'coder');

describe('Claude Code hook settings', () => {
  it('adds a SessionStart and a SessionEnd hook to settings that have none, keeping every other key', () => {
    const merged = withReverieHooks({ model: 'opus', permissions: { allow: ['Bash(npm test)'] } }, ours);
    expect(merged).toEqual({
      model: 'opus', permissions: { allow: ['Bash(npm test)'] },
      hooks: {
        SessionStart: [{ hooks: [{ type: 'command', command: 'reverie hooks session-start --agent coder', timeout: 15 }] }],
        SessionEnd: [{ hooks: [{ type: 'command', command: 'reverie hooks session-end --agent coder', timeout: 60 }] }],
      },
    });
  });

  it('keeps the hooks that are there, and is idempotent: installed twice, once; installed for another agent, replaced in place', () => {
    const existing = { hooks: { SessionStart: [{ matcher: 'startup', hooks: [{ type: 'command', command: 'echo hello' }] }], PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: './guard.sh' }] }] } };
    const once = withReverieHooks(existing, ours);
    expect(withReverieHooks(once, ours)).toEqual(once);
    expect(once.hooks?.SessionStart).toEqual([{ matcher: 'startup', hooks: [{ type: 'command', command: 'echo hello' }] }, { hooks: [ours.SessionStart] }]);
    expect(once.hooks?.PreToolUse).toEqual(existing.hooks.PreToolUse);
    const other = withReverieHooks(once, reverieHookCommands('/usr/local/bin/reverie', 'reviewer-bot'));
    expect(other.hooks?.SessionStart).toEqual([{ matcher: 'startup', hooks: [{ type: 'command', command: 'echo hello' }] }, { hooks: [expect.objectContaining({ command: '/usr/local/bin/reverie hooks session-start --agent reviewer-bot' })] }]);
    expect(existing.hooks.SessionStart[0].hooks).toHaveLength(1); // the input is not modified
  });

  it('refuses a file that is not Claude Code settings, naming what is wrong', () => {
    expect(() => withReverieHooks([], ours)).toThrow(/not hold a JSON object/);
    expect(() => withReverieHooks({ hooks: [] }, ours)).toThrow(/"hooks" in the settings is not an object/);
    expect(() => withReverieHooks({ hooks: { SessionEnd: {} } }, ours)).toThrow(/"hooks.SessionEnd" in the settings is not a list/);
  });
});
