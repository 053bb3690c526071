import { errorSignature, informativeLine, normalizeMessage } from './error-signature.normalizer';

describe('errorSignature', () => {
  it.each([
    ['ids, UUIDs and timestamps', 'deploy_service', [
      'Error: region is required for service svc-4821 (request 7f3a9c2e-1b2d-4e5f-8a9b-0c1d2e3f4a5b, at 2026-01-03T10:22:41.123Z)',
      'Error: region is required for service svc-1093 (request 0b9e8d7c-6a5f-4e3d-9c2b-1a0f9e8d7c6b, at 2026-02-11T08:01:02Z)',
    ]],
    ['paths and quoted values', 'Bash', [
      "npm ERR! code ENOENT\nnpm ERR! enoent ENOENT: no such file or directory, open '/home/alice/work/pkg-a/dist/index.js'",
      "npm ERR! code ENOENT\nnpm ERR! enoent ENOENT: no such file or directory, open '/home/bob/src/other/dist/index.js'",
    ]],
    ['numbers and hashes', 'Bash', [
      'error: failed to push some refs to origin (commit 3f9a2c1d8e7b, 3 files)',
      'error: failed to push some refs to origin (commit a81b22c9f0e1, 12 files)',
    ]],
    ['python tracebacks (last line)', 'python', [
      'Traceback (most recent call last):\n  File "/app/x.py", line 12, in <module>\n    main()\nKeyError: \'user_4411\'',
      'Traceback (most recent call last):\n  File "/srv/y.py", line 98, in run\n    go()\nKeyError: \'user_9\'',
    ]],
    ['τ-bench style errors with ids', 'update_reservation_flights', [
      'Error: payment method credit_card_4421 not found for user mia_li_3668',
      'Error: payment method gift_card_77 not found for user omar_davis_3817',
    ]],
    ['exit codes and blank lines', 'Bash', [
      'Exit code 1\n\nfatal: not a git repository (or any of the parent directories): .git',
      'Exit code 128\nfatal: not a git repository (or any of the parent directories): .git\n',
    ]],
    ['a quoted value cut off by line wrapping', 'Bash', [
      "TypeError: db.getSessionByTaskId is not a function. (In 'db.getSessionBy",
      "TypeError: db.getSessionByTaskId is not a function. (In 'db.getSessionByTaskId(\"0",
    ]],
    ['URLs, emails and hex addresses', 'http_get', [
      'Error: 503 from https://api.example.com/v2/items/991?x=1 for ops@example.com at 0x7ffd5e1c',
      'Error: 503 from https://api.other.org/v1/things for dev@acme.io at 0x10a2',
    ]],
  ])('gives one signature whatever the %s', (_what, tool, outputs) => {
    const sigs = new Set(outputs.map((o) => errorSignature(tool, o)));
    expect(sigs.size).toBe(1);
    expect([...sigs][0].startsWith(`${tool}: `)).toBe(true);
  });

  it('keeps different failures apart', () => {
    const a = errorSignature('Bash', 'fatal: not a git repository');
    const b = errorSignature('Bash', 'error: failed to push some refs to origin');
    const c = errorSignature('Edit', 'fatal: not a git repository');
    expect(new Set([a, b, c]).size).toBe(3);
  });

  it('normalizes variable parts into placeholders', () => {
    expect(normalizeMessage('User 42 at /tmp/a.txt said "hi" on 2026-01-01')).toBe('user <n> at <path> said <str> on <ts>');
    expect(normalizeMessage('error TS2345 in file')).toContain('ts2345');
  });

  it('picks the informative line', () => {
    expect(informativeLine('Exit code 1\nOn branch master\nnothing to commit, working tree clean')).toBe('On branch master');
    expect(informativeLine('compiling...\nerror: cannot find module x')).toBe('error: cannot find module x');
    expect(informativeLine('')).toBe('');
  });
});
