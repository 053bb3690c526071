import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { sessionEventSchema, type SessionEvent } from '@reverie/contracts';
import { detectFormat, importContent, readSweBenchReport, type ImportResult, type KnownOutcome } from './index';
import { parseObservation } from './mini-swe-agent.importer';

// gemini-3-pro on 30 SWE-bench Verified instances, with each instance's report.json (samples/dev/mini-swe-agent).
const DIR = resolve(__dirname, '../../../samples/dev/mini-swe-agent');
const TRAJS = readdirSync(join(DIR, 'trajs')).sort();
const REPORTS = readdirSync(join(DIR, 'reports')).sort();
const read = (...p: string[]) => readFileSync(join(DIR, ...p), 'utf8');
const NOW = '2026-03-01T12:00:00.000Z';
const data = (e: SessionEvent | undefined) => e?.data as Record<string, unknown>;

describe('mini-swe-agent importer on the real trajectories', () => {
  const outcomes: Record<string, KnownOutcome> = {};
  const results = new Map<string, ImportResult>();
  beforeAll(() => {
    for (const f of REPORTS) Object.assign(outcomes, readSweBenchReport(`reports/${f}`, read('reports', f))!.outcomes);
    for (const f of TRAJS) results.set(f, importContent(f, read('trajs', f), { tenantId: 'acme', now: NOW, outcomes }));
  });
  const sessions = () => [...results.values()].flatMap((r) => r.sessions);

  it('detects and imports all 30 trajectories, one session each, with no rejection', () => {
    expect(TRAJS).toHaveLength(30);
    for (const f of TRAJS) {
      expect([f, detectFormat(f, read('trajs', f))]).toEqual([f, 'mini-swe-agent']);
      expect([f, results.get(f)!.rejected]).toEqual([f, []]);
      expect(results.get(f)!.sessions.map((s) => s.sessionId)).toEqual([f.replace('.traj.json', '')]);
    }
  });

  it('does not take the reports and summaries next to them for sessions', () => {
    for (const f of [...REPORTS.map((r) => `reports/${r}`), 'results_summary.json', 'selection.json']) {
      expect([f, detectFormat(f, read(f))]).toEqual([f, undefined]);
    }
  });

  /**
   * Counted independently with python over the raw files: 871 assistant messages, 855 of them
   * with exactly one ```bash block; 16 format-error replies; 44 observations with a non-zero
   * returncode or the timeout notice.
   */
  it('gives the expected totals', () => {
    const sum = (k: 'messages' | 'toolCalls' | 'toolErrors') => sessions().reduce((n, s) => n + s.stats[k], 0);
    const count = (type: SessionEvent['type']) => sessions().reduce((n, s) => n + s.events.filter((e) => e.type === type).length, 0);
    expect(sessions()).toHaveLength(30);
    expect(count('AssistantMessageRecorded')).toBe(871);
    expect(count('UserMessageRecorded')).toBe(30 + 16);
    expect(sum('messages')).toBe(917);
    expect(sum('toolCalls')).toBe(855);
    expect(count('ToolResultRecorded')).toBe(855);
    expect(sum('toolErrors')).toBe(44);
    expect(sessions().reduce((n, s) => n + s.events.length, 0)).toBe(2687);
    expect(sessions().flatMap((s) => s.events).filter((e) => e.type === 'ToolCallRecorded').every((e) => e.type === 'ToolCallRecorded' && e.data.toolName === 'bash')).toBe(true);
  });

  it('agrees with every report and with the run summary: 15 resolved, 15 not', () => {
    const summary = readSweBenchReport('results_summary.json', read('results_summary.json'))!;
    expect(summary.scope).toBe('run');
    for (const s of sessions()) {
      const report = JSON.parse(read('reports', `${s.sessionId}.report.json`)) as { resolved: boolean };
      const expected = report.resolved ? 'success' : 'failure';
      expect([s.sessionId, s.stats.outcome]).toEqual([s.sessionId, expected]);
      expect([s.sessionId, summary.outcomes[s.sessionId].outcome]).toEqual([s.sessionId, expected]);
      expect(data(s.events.at(-1))['reason']).toBe(`SWE-bench evaluation: ${report.resolved ? 'resolved' : 'not resolved'}`);
    }
    expect(sessions().filter((s) => s.stats.outcome === 'success')).toHaveLength(15);
  });

  it('without a report, a submitted trajectory is unknown', () => {
    const s = importContent('django__django-16255.traj.json', read('trajs', 'django__django-16255.traj.json'), { tenantId: 'acme' }).sessions[0];
    expect(s.stats.outcome).toBe('unknown');
    expect(data(s.events.at(-1))['reason']).toBe('exit_status: Submitted (no evaluation report)');
  });

  it('produces valid events in order, the task from the PR description and times from the responses', () => {
    for (const s of sessions()) {
      for (const e of s.events) {
        const parsed = sessionEventSchema.safeParse(e);
        if (!parsed.success) throw new Error(`${s.sessionId} ${e.type} seq ${e.data.seq}: ${parsed.error.message}`);
      }
      expect(s.events.map((e) => e.data.seq)).toEqual(s.events.map((_, i) => i));
      expect(s.events.every((e, i) => i === 0 || e.occurredAt >= s.events[i - 1].occurredAt)).toBe(true);
    }
    const s = results.get('sympy__sympy-13852.traj.json')!.sessions[0];
    expect(data(s.events[0])).toMatchObject({ source: 'mini-swe-agent', metadata: { instanceId: 'sympy__sympy-13852', exitStatus: 'Submitted', model: 'google/gemini-3-pro-preview' } });
    expect(String(data(s.events[0])['task'])).toMatch(/^Add evaluation for polylog\n/);
    expect(s.events.map((e) => e.type).slice(1, 6)).toEqual(['UserMessageRecorded', 'AssistantMessageRecorded', 'ToolCallRecorded', 'ToolResultRecorded', 'AssistantMessageRecorded']);
    expect(String(data(s.events[2])['text'])).toMatch(/^THOUGHT: I need to locate the `polylog` implementation/);
    expect(data(s.events[3])).toMatchObject({ toolName: 'bash', input: { command: 'ls -R | grep polylog' } });
    // grep found nothing: returncode 1.
    expect(data(s.events[4])).toMatchObject({ output: '', isError: true });
    expect(s.events[2].occurredAt > s.events[0].occurredAt).toBe(true);
  });

  it('records a format error as the harness speaking, a timeout as an error and the long output form whole', () => {
    const events = results.get('psf__requests-2317.traj.json')!.sessions[0].events;
    const timeout = events.find((e) => e.type === 'ToolResultRecorded' && e.data.isError && e.data.output.includes('DeprecationWarning'));
    expect(timeout).toBeDefined();
    const all = sessions().flatMap((s) => s.events);
    const harness = all.filter((e) => e.type === 'UserMessageRecorded' && e.actor.kind === 'system');
    expect(harness).toHaveLength(16);
    expect(String(data(harness[0])['text'])).toMatch(/^Please always provide EXACTLY ONE action in triple backticks/);
    expect(all.filter((e) => e.type === 'ToolResultRecorded' && /\n… \d+ characters elided …\n/.test(e.data.output))).toHaveLength(32);
  });
});

describe('mini-swe-agent importer edge cases', () => {
  const traj = (messages: unknown[], info: Record<string, unknown> = { exit_status: 'Submitted' }) =>
    JSON.stringify({ info, messages, instance_id: 'repo__x-1', trajectory_format: 'mini-swe-agent-1' });
  const task = { role: 'user', content: '<pr_description>\nConsider the following PR description:\nFix x\n</pr_description>' };
  const act = (cmd: string) => ({ role: 'assistant', content: `THOUGHT: go\n\n\`\`\`bash\n${cmd}\n\`\`\``, extra: { response: { created: 1763510090 } } });

  it('names a malformed observation and keeps the rest', () => {
    const r = importContent('t.traj.json', traj([task, act('ls'), { role: 'user', content: '<returncode>0</returncode>\n<output>\na' }, act('pwd'), { role: 'user', content: '<returncode>x' }]), { tenantId: 'acme' });
    expect(r.rejected).toEqual([
      { file: 't.traj.json', reason: 'message 2: malformed observation of call-1: <returncode>0</returncode> is not followed by a closed <output> (or <output_head>/<output_tail>) block' },
      { file: 't.traj.json', reason: 'message 4: malformed observation of call-3: the <returncode> tag is not a closed integer' },
    ]);
    expect(r.sessions[0].stats).toEqual({ messages: 3, toolCalls: 2, toolErrors: 0, outcome: 'unknown' });
  });

  it('names what is missing in a file that is not a trajectory', () => {
    expect(() => importContent('t.traj.json', '{"info": {}}', { tenantId: 'acme', format: 'mini-swe-agent' })).toThrow('t.traj.json: not a mini-swe-agent trajectory: no messages array');
    expect(() => importContent('t.traj.json', '{"info": {"exit_status": "Submitted"}, "messages": [', { tenantId: 'acme', format: 'mini-swe-agent' })).toThrow(/t\.traj\.json: not valid JSON for format mini-swe-agent/);
    expect(() => importContent('t.traj.json', traj([task]), { tenantId: 'acme', outcomes: { 'repo__x-1': { outcome: 'resolved' as never } } })).toThrow(/outcomes\["repo__x-1"\]\.outcome must be one of success, failure, abandoned, unknown/);
  });

  it('fails a run that stopped on an error or a limit, and only then', () => {
    const outcome = (exit_status?: string) => importContent('t.traj.json', traj([task], exit_status ? { exit_status } : { mini_version: '1.15.0' }), { tenantId: 'acme' }).sessions[0].stats.outcome;
    expect(outcome('LimitsExceeded')).toBe('failure');
    expect(outcome('RuntimeError')).toBe('failure');
    expect(outcome('Submitted')).toBe('unknown');
    expect(outcome('UserQuit')).toBe('unknown');
    expect(outcome(undefined)).toBe('unknown');
  });

  it('maps tool-call messages like text actions', () => {
    const messages = [task, { role: 'assistant', content: '', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'bash', arguments: '{"command":"false"}' } }] }, { role: 'tool', tool_call_id: 'c1', content: '<returncode>1</returncode>\n<output>\n</output>' }];
    const s = importContent('t.traj.json', traj(messages), { tenantId: 'acme' }).sessions[0];
    expect(s.events.map((e) => e.type)).toEqual(['SessionStarted', 'UserMessageRecorded', 'ToolCallRecorded', 'ToolResultRecorded', 'SessionEnded']);
    expect(data(s.events[2])).toMatchObject({ toolCallId: 'c1', toolName: 'bash', input: { command: 'false' } });
    expect(data(s.events[3])).toMatchObject({ toolCallId: 'c1', isError: true });
  });

  it('parses the observation forms', () => {
    expect(parseObservation('<returncode>0</returncode>\n<output>\nok\n</output>')).toEqual({ output: 'ok', isError: false });
    expect(parseObservation('<returncode>2</returncode>\n<warning>\nlong\n</warning><output_head>\nA\n</output_head>\n<elided_chars>\n12 characters elided\n</elided_chars>\n<output_tail>\nZ\n</output_tail>'))
      .toEqual({ output: 'A\n… 12 characters elided …\nZ', isError: true });
    expect(parseObservation('The last command <command>sleep 99</command> timed out and has been killed.\nThe output of the command was:\n <output>\nzz\n</output>\nPlease try another command'))
      .toEqual({ output: 'zz', isError: true });
    expect(parseObservation('diff --git a/x b/x')).toEqual({ output: 'diff --git a/x b/x', isError: false });
  });

  it('reads the SWE-bench report shapes and ignores other JSON', () => {
    const report = { patch_is_None: false, patch_exists: true, patch_successfully_applied: true, resolved: true, tests_status: {} };
    expect(readSweBenchReport('run/logs/a__b-1/report.json', JSON.stringify(report))).toEqual({ scope: 'instance', outcomes: { 'a__b-1': { outcome: 'success', reason: 'SWE-bench evaluation: resolved' } } });
    expect(readSweBenchReport('report.json', JSON.stringify({ 'a__b-2': { ...report, resolved: false, patch_successfully_applied: false } }))!.outcomes)
      .toEqual({ 'a__b-2': { outcome: 'failure', reason: 'SWE-bench evaluation: not resolved (the patch did not apply)' } });
    expect(readSweBenchReport('gemini.run1.json', JSON.stringify({ resolved_ids: ['a'], unresolved_ids: ['b'], empty_patch_ids: ['c'], error_ids: ['d'] }))!.outcomes)
      .toEqual({ a: { outcome: 'success', reason: 'SWE-bench evaluation: resolved' }, b: { outcome: 'failure', reason: 'SWE-bench evaluation: not resolved' }, c: { outcome: 'failure', reason: 'SWE-bench evaluation: not resolved (empty patch)' } });
    expect(readSweBenchReport('x.json', '{"messages": []}')).toBeUndefined();
    expect(readSweBenchReport('x.json', 'not json')).toBeUndefined();
    expect(readSweBenchReport('x.json', JSON.stringify(report))).toBeUndefined();
  });
});
