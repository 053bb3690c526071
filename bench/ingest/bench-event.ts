const WORDS = 'the build failed because the test runner could not find module config so I retried with a clean cache and then checked the path in tsconfig before running npm install again while the user asked whether the migration ran'.split(' ');

/** A ~1 KiB session event as a publisher sends it. */
export function benchEvent(run: string, i: number): Record<string, unknown> {
  const session = `${run}-s${Math.floor(i / 50)}`;
  const words: string[] = [];
  let len = 0;
  for (let k = 0; len < 760; k++) {
    const w = WORDS[(i * 7 + k * 13) % WORDS.length];
    words.push(w);
    len += w.length + 1;
  }
  const text = words.join(' ');
  const common = { id: `${run}-e${i}`, streamId: session, occurredAt: new Date(Date.UTC(2025, 0, 1) + i * 1000).toISOString(), actor: { kind: 'agent', id: 'bench-agent' }, correlationId: session };
  return i % 3 === 2
    ? { ...common, type: 'ToolResultRecorded', data: { seq: i % 50, toolCallId: `call-${i}`, toolName: 'bash', output: text, isError: i % 9 === 2 } }
    : { ...common, type: i % 3 === 0 ? 'UserMessageRecorded' : 'AssistantMessageRecorded', data: { seq: i % 50, text } };
}
