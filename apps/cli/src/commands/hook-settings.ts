/**
 * Claude Code's hook settings (`.claude/settings.json`, `~/.claude/settings.json`): Reverie's two
 * hooks merged into whatever is there. A hook of ours is recognised by its command (it runs
 * `reverie hooks …`): installed again, it is replaced in place, never doubled; every other key,
 * event and hook is kept as it was, in its order.
 */
export interface HookCommand { type: 'command'; command: string; timeout?: number }
interface HookGroup { matcher?: string; hooks: HookCommand[] }
type Settings = Record<string, unknown> & { hooks?: Record<string, HookGroup[]> };

export const OUR_COMMAND = /(^|[\s/])reverie(\.js)? hooks (session-start|session-end)\b/;

export function reverieHookCommands(reverie: string, agentId: string): Record<'SessionStart' | 'SessionEnd', HookCommand> {
  return {
    SessionStart: { type: 'command', command: `${reverie} hooks session-start --agent ${agentId}`, timeout: 15 },
    SessionEnd: { type: 'command', command: `${reverie} hooks session-end --agent ${agentId}`, timeout: 60 },
  };
}

/** The settings with our hooks in; the input is not modified. Throws naming the key when the file's shape is not Claude Code's. */
export function withReverieHooks(settings: unknown, ours: Record<string, HookCommand>): Settings {
  if (settings === null || typeof settings !== 'object' || Array.isArray(settings)) throw new Error('the settings file does not hold a JSON object');
  const out = structuredClone(settings) as Settings;
  if (out.hooks !== undefined && (typeof out.hooks !== 'object' || out.hooks === null || Array.isArray(out.hooks))) throw new Error('"hooks" in the settings is not an object');
  const hooks = (out.hooks ??= {});
  for (const [event, command] of Object.entries(ours)) {
    const groups = hooks[event] ?? [];
    if (!Array.isArray(groups)) throw new Error(`"hooks.${event}" in the settings is not a list`);
    let placed = false;
    const next = groups.map((g) => {
      if (!g || !Array.isArray(g.hooks)) throw new Error(`"hooks.${event}" holds an entry without a "hooks" list`);
      const kept = g.hooks.flatMap((h) => {
        if (!OUR_COMMAND.test(h?.command ?? '')) return [h];
        if (placed) return [];
        placed = true;
        return [command];
      });
      return { ...g, hooks: kept };
    }).filter((g) => g.hooks.length > 0);
    if (!placed) next.push({ hooks: [command] });
    hooks[event] = next;
  }
  return out;
}
