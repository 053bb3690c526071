import { quoteLine, shortenPaths } from './error-quote';

describe('quoteLine', () => {
  it.each([
    [
      "npm ERR! code ENOENT\nnpm ERR! syscall open\nnpm ERR! path /home/ana/widget-1/dist/index.js\nnpm ERR! enoent ENOENT: no such file or directory, open '/home/ana/widget-1/dist/index.js'",
      "ENOENT: no such file or directory, open '…/dist/index.js'",
    ],
    [
      "ImportError while importing test module '/home/ben/billing-1/tests/test_invoice.py'.\nE   ModuleNotFoundError: No module named 'billing'",
      "ModuleNotFoundError: No module named 'billing'",
    ],
    ['Traceback (most recent call last):\n  File "x.py", line 3, in <module>\nKeyError: \'foo\'', "KeyError: 'foo'"],
    ["sed: can't read src/util.js: No such file or directory", "sed: can't read src/util.js: No such file or directory"],
    ['Error: fetch https://docs.example.com/a/b/c failed', 'Error: fetch https://docs.example.com/a/b/c failed'],
  ])('quotes the informative original line of %j', (output, expected) => {
    expect(quoteLine(output)).toBe(expected);
  });

  it('shortens a path whose home directory ingest redacted, leaving the marker out of the lesson', () => {
    expect(shortenPaths("open '/home/[REDACTED:home_directory_user]/pkg-1000/dist/index.js'")).toBe("open '…/dist/index.js'");
  });

  it('elides UUIDs, timestamps and long hashes', () => {
    expect(quoteLine('Error: region is required for service svc-1236 (request c05963fc-961f-450a-a740-30293770064d, at 2026-01-01T00:51:00.000Z)'))
      .toBe('Error: region is required for service svc-1236 (request …, at …)');
    expect(quoteLine('fatal: bad object 3f2a9c0d1e2b4a5f6c7d8e9f0a1b2c3d4e5f6a7b')).toBe('fatal: bad object …');
  });

  it('keeps the case and values the signature normalizes away, and stays short', () => {
    const q = quoteLine(`Error: region is required for service svc-1234 ${'x'.repeat(200)}`);
    expect(q.startsWith('Error: region is required for service svc-1234')).toBe(true);
    expect(q.length).toBeLessThanOrEqual(120);
    expect(q.endsWith('…')).toBe(true);
  });
});

describe('shortenPaths', () => {
  it('keeps the last two segments of long paths, leaves short ones and URLs alone', () => {
    expect(shortenPaths('open /home/ana/widget-1/dist/index.js now')).toBe('open …/dist/index.js now');
    expect(shortenPaths('C:\\Users\\ana\\repo\\dist\\index.js')).toBe('…\\dist\\index.js');
    expect(shortenPaths('tests/test_a.py')).toBe('tests/test_a.py');
    expect(shortenPaths('see https://x.example.com/a/b/c')).toBe('see https://x.example.com/a/b/c');
  });
});
