import { detectFormat, importContent, ImportError } from './index';

describe('importContent errors', () => {
  const opts = { tenantId: 'acme' };

  it('throws a clear ImportError for garbage, empty and undetectable files', () => {
    expect(() => importContent('junk.bin', 'lorem ipsum \u0000 dolor', opts)).toThrow(ImportError);
    expect(() => importContent('junk.bin', 'lorem ipsum', opts)).toThrow('junk.bin: cannot detect the format; expected one of claude-code, anthropic, openai, tau-bench, tau2, swe-agent, otel');
    expect(() => importContent('empty.jsonl', '  \n', opts)).toThrow('empty.jsonl: the file is empty');
    expect(() => importContent('x.json', '{"foo": 1}', opts)).toThrow(/cannot detect the format/);
    expect(detectFormat('junk.bin', 'lorem ipsum')).toBeUndefined();
  });

  it('names the problem when a forced format does not fit the file', () => {
    expect(() => importContent('x.jsonl', 'not json\nstill not', { ...opts, format: 'claude-code' }))
      .toThrow('x.jsonl: not a Claude Code transcript: none of its 2 lines is a JSON object');
    expect(() => importContent('x.json', '{"a":', { ...opts, format: 'tau-bench' })).toThrow(/x\.json: not valid JSON for format tau-bench/);
    expect(() => importContent('x.json', '{"a": 1}', { ...opts, format: 'swe-agent' })).toThrow('x.json: not a SWE-agent trajectory: no trajectory array');
    expect(() => importContent('x.json', '[]', { ...opts, format: 'nope' as never })).toThrow(/unknown format "nope"/);
  });

  it('checks the options', () => {
    const content = JSON.stringify([{ role: 'user', content: 'hi' }]);
    expect(() => importContent('c.json', content, { tenantId: 'a.b' })).toThrow(/tenantId "a.b" must be/);
    expect(() => importContent('c.json', content, { tenantId: 'acme', agentId: 'my agent' })).toThrow(/agentId "my agent" must be/);
    expect(() => importContent('c.json', content, { tenantId: 'acme', now: 'yesterday' })).toThrow(/now "yesterday" is not an ISO date-time/);
  });

  it('rejects bad items of a list while importing the good ones', () => {
    const content = JSON.stringify([
      { task_id: 1, trial: 0, reward: 1, traj: [{ role: 'user', content: 'hi' }] },
      { task_id: 2, trial: 0, reward: 0, traj: 'oops' },
    ]);
    const r = importContent('tau.json', content, opts);
    expect(r.format).toBe('tau-bench');
    expect(r.sessions.map((s) => s.stats.outcome)).toEqual(['success']);
    expect(r.rejected).toEqual([{ file: 'tau.json', reason: 'item 1: no traj array' }]);
  });
});
