/**
 * Writes the demo transcripts bundled in samples/demo/ (Claude Code JSONL, one folder per user)
 * with patterns a dream should find: a mistake that recurs across users (publishing before
 * building), a preference several users state (pnpm, not npm), a fix found by retrying (`python -m
 * pytest`), and a recurring task with the workflow that works. Deterministic: same files every run.
 *   npm run build && node dist/tools/demo-samples.js samples/demo
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { deterministicId } from '@reverie/contracts';

type Step =
  | { user: string }
  | { tool: string; input: Record<string, unknown>; result: string; error?: boolean }
  | { say: string };

interface DemoSession { user: string; project: string; day: number; steps: Step[] }

const USERS = ['ana', 'ben', 'chloe', 'dev'];

function sessions(): DemoSession[] {
  const out: DemoSession[] = [];
  // A recurring mistake: `npm publish` before `npm run build` fails on the missing dist/.
  USERS.forEach((user, i) => out.push({
    user, project: `widget-${i + 1}`, day: 1 + i, steps: [
      { user: `Release version 2.${i}.0 of the package to npm` },
      { tool: 'Bash', input: { command: 'npm publish' }, error: true, result: `npm ERR! code ENOENT\nnpm ERR! syscall open\nnpm ERR! path /home/${user}/widget-${i + 1}/dist/index.js\nnpm ERR! enoent ENOENT: no such file or directory, open '/home/${user}/widget-${i + 1}/dist/index.js'` },
      { tool: 'Bash', input: { command: 'npm run build' }, result: `> widget-${i + 1}@2.${i}.0 build\n> tsc -p tsconfig.build.json` },
      { tool: 'Bash', input: { command: 'npm publish' }, result: `+ widget-${i + 1}@2.${i}.0` },
      { say: `Published widget-${i + 1}@2.${i}.0.` },
    ],
  }));
  // A preference stated by three users: pnpm in these repositories.
  ['ana', 'ben', 'chloe'].forEach((user, i) => out.push({
    user, project: `dashboard-${i + 1}`, day: 6 + i, steps: [
      { user: 'Add the date-fns dependency and use it to format the report dates' },
      { tool: 'Bash', input: { command: 'npm install date-fns' }, result: 'added 1 package in 2s' },
      { user: ['No, use pnpm instead of npm in this repo, we only commit pnpm-lock.yaml.', 'Don\'t use npm here, use pnpm instead: the lockfile is pnpm-lock.yaml.', 'Please use pnpm instead of npm for installing packages.'][i] },
      { tool: 'Bash', input: { command: 'pnpm add date-fns' }, result: 'Packages: +1\nDone in 1.4s' },
      { tool: 'Edit', input: { file_path: `/home/${user}/dashboard-${i + 1}/src/report.ts`, old_string: 'toISOString()', new_string: "format(d, 'yyyy-MM-dd')" }, result: 'The file has been updated.' },
      { say: 'Switched to pnpm and formatted the dates with date-fns.' },
    ],
  }));
  // A fix found by retrying: bare `pytest` cannot import the package, `python -m pytest` can.
  ['ben', 'chloe', 'dev'].forEach((user, i) => out.push({
    user, project: `billing-${i + 1}`, day: 10 + i, steps: [
      { user: 'Run the test suite and fix whatever fails' },
      { tool: 'Bash', input: { command: 'pytest tests/' }, error: true, result: `ImportError while importing test module '/home/${user}/billing-${i + 1}/tests/test_invoice.py'.\nE   ModuleNotFoundError: No module named 'billing'` },
      { tool: 'Bash', input: { command: 'python -m pytest tests/' }, result: `collected ${20 + i} items\n\n${20 + i} passed in 0.${4 + i}s` },
      { say: 'All tests pass.' },
    ],
  }));
  // A recurring task and the workflow that works for it.
  USERS.forEach((user, i) => out.push({
    user, project: `api-${i + 1}`, day: 14 + i, steps: [
      { user: `Add a changelog entry for release 3.${i}.0` },
      { tool: 'Read', input: { file_path: `/home/${user}/api-${i + 1}/CHANGELOG.md` }, result: '# Changelog\n\n## 3.0.0\n- first release' },
      { tool: 'Bash', input: { command: 'git log --oneline -20' }, result: `a1b2c3${i} Fix pagination\nd4e5f6${i} Add rate limits` },
      { tool: 'Edit', input: { file_path: `/home/${user}/api-${i + 1}/CHANGELOG.md`, old_string: '# Changelog\n', new_string: `# Changelog\n\n## 3.${i}.0\n- Fix pagination\n- Add rate limits\n` }, result: 'The file has been updated.' },
      { say: `Added the 3.${i}.0 entry.` },
    ],
  }));
  // One-off noise: an error seen once, a demand one user repeats in one session.
  out.push({
    user: 'dev', project: 'scratch', day: 20, steps: [
      { user: 'Rename the helper to formatMoney' },
      { tool: 'Bash', input: { command: 'sed -i s/fmt/formatMoney/ src/util.js' }, error: true, result: "sed: can't read src/util.js: No such file or directory" },
      { user: 'Always use tabs. Always use tabs, please. I said always use tabs.' },
      { tool: 'Edit', input: { file_path: '/home/dev/scratch/src/util.ts', old_string: 'fmt', new_string: 'formatMoney' }, result: 'The file has been updated.' },
      { say: 'Renamed.' },
    ],
  });
  return out;
}

function transcript(s: DemoSession, index: number): { sessionId: string; lines: string[] } {
  const sessionId = deterministicId('reverie-demo', String(index));
  const cwd = `/home/${s.user}/${s.project}`;
  let n = 0;
  let parent: string | null = null;
  const line = (o: Record<string, unknown>) => {
    const uuid = deterministicId(sessionId, 'line', String(n));
    const timestamp = new Date(Date.UTC(2026, 9, s.day, 9, 0, n++ * 7)).toISOString();
    const l = JSON.stringify({ parentUuid: parent, isSidechain: false, userType: 'external', cwd, sessionId, version: '2.1.14', gitBranch: 'main', type: o.type, ...o, uuid, timestamp });
    parent = uuid;
    return l;
  };
  const lines: string[] = [];
  s.steps.forEach((step, k) => {
    if ('user' in step) lines.push(line({ type: 'user', message: { role: 'user', content: step.user } }));
    else if ('say' in step) lines.push(line({ type: 'assistant', message: { model: 'claude-sonnet-4-5', id: `msg_demo_${index}_${k}`, type: 'message', role: 'assistant', content: [{ type: 'text', text: step.say }] } }));
    else {
      const id = `toolu_demo_${index}_${k}`;
      lines.push(line({ type: 'assistant', message: { model: 'claude-sonnet-4-5', id: `msg_demo_${index}_${k}`, type: 'message', role: 'assistant', content: [{ type: 'tool_use', id, name: step.tool, input: step.input }] } }));
      lines.push(line({ type: 'user', message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: id, content: step.result, ...(step.error ? { is_error: true } : {}) }] }, toolUseResult: step.error ? `Error: ${step.result}` : { stdout: step.result, stderr: '', interrupted: false } }));
    }
  });
  return { sessionId, lines };
}

async function main(dir: string) {
  await rm(dir, { recursive: true, force: true });
  const all = sessions();
  for (const [i, s] of all.entries()) {
    const { sessionId, lines } = transcript(s, i);
    const file = path.join(dir, s.user, s.project, `${sessionId}.jsonl`);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, `${lines.join('\n')}\n`);
  }
  process.stdout.write(`wrote ${all.length} demo sessions for ${USERS.length} users into ${dir}\n`);
}

main(process.argv[2] ?? 'samples/demo').catch((err) => { process.stderr.write(`${err.stack}\n`); process.exit(1); });
