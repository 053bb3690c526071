import { createRedactor } from './redactor';

const redactor = createRedactor();

/** Realistic transcript text that contains nothing sensitive. */
const CLEAN: Record<string, string> = {
  timestamps: 'Started 2025-01-15T10:30:00.123Z, finished 2025-01-15 10:31:07 +0000 (epoch 1736937067123, 1736937067123456789 ns)',
  gitLog: 'commit 3f786850e387550fdab836ed7e6dc881de23001b\nAuthor: Claude <noreply@anthropic.com>\nDate:   Mon Jan 15 10:30:00 2025 +0000\n\n    Fix flaky test (#1234)',
  shas: 'HEAD is now at 9fceb02 and the tree is 4b825dc642cb6eb9a060e54bf8d69288fbee4904; sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  uuids: 'session 123e4567-e89b-12d3-a456-426614174000 and 6F9619FF-8B86-D011-B42D-00C04FC964FF',
  semver: 'upgraded typescript from 5.4.5 to 5.6.3; node v20.11.1; python 3.11.4; version 1.2.3.4 of the assembly; lodash@4.17.21',
  lineNumbers: 'src/app/user-profile.component.ts:142:17 - error TS2339: Property \'x\' does not exist\n  at Object.<anonymous> (/home/dev/project/node_modules/jest-circus/build/utils.js:298:28)',
  code: 'const token = await getToken();\nconst password = req.body.password;\nif (secret == null) return;\ntype Opts = { token: string; apiKey?: string };\nself.password = os.environ["DB_PASSWORD"]\nmax_tokens=4096, input_tokens: 1234',
  paths: 'Read /Users/dev/Projects/MyApp2/src/components/UserProfileCard/index.tsx and ./packages/core/src/__tests__/RedactionService2Spec.ts',
  numbers: 'Processed 1234567890 rows in 12 batches of 500; ids 100 200 3000; ports 8080:80; ratio 0.4111111111111111; total 4,111,111,111,111,111',
  localhost: 'Server listening on http://127.0.0.1:3000 and 0.0.0.0:8080, netmask 255.255.255.0, ::1',
  cpp: 'std::vector<int> v; Foo::bar(); dead::beef; a[1::2]; x[::3]; 10:30:00',
  identifiers: 'toolu_01FPWXTwsfd3wKFT1cfSakiA msg_01KF5AL1TRZ7eLJUyf8heHMW req_011CXL3BXxXpqshf6BAp1chN call_Xk3vQ9mZp2LwR8tYb5NcJ7hG',
  camelCase: 'AbstractSingletonProxyFactoryBean2 HTTPRequestHandlerFactoryV3 test_redaction_handles_long_names_correctly2',
  integrity: 'integrity sha512-Fn5cIOkM1iXy0fs0YJNTtSOVOxmKWuGWFF3V6h0bZlRJb6EGcYVx8E3aVJ/fT4AMWHf3vcbGXJknu9kmcAuQZQ==',
  fileNames: 'icon@2x.png logo@3x.svg @types/node@20.11.0 user@localhost',
  prose: 'Your password: please choose one with 12+ characters. The token is valid for 3600 seconds. Secret: none.',
  npmScope: '"@nestjs/core": "^10.3.0", "@swc/jest": "0.2.36"',
  isbnAndDates: 'ISBN 978-3-16-148410-0, call on 2025-01-15, build 20250115-1234',
};

describe('redaction leaves ordinary transcript text alone', () => {
  it.each(Object.entries(CLEAN))('%s', (_name, text) => {
    const result = redactor.redactText(text);
    expect(result.counts).toEqual({});
    expect(result.text).toBe(text);
  });

  it('does not redact a random 16-digit id that fails the Luhn check', () => {
    expect(redactor.redactText('order id 4532015112830367').counts).toEqual({});
  });

  it('runs in linear time on inputs built to make regexes backtrack', () => {
    const inputs = [
      'a'.repeat(200_000) + '@',
      '1 '.repeat(100_000),
      '+1'.repeat(50_000),
      '-----BEGIN PRIVATE KEY-----' + ' x'.repeat(100_000),
      'password='.repeat(20_000),
      ':'.repeat(100_000) + 'a',
      '1.'.repeat(100_000),
      'Ab1+'.repeat(50_000) + '!',
    ];
    for (const input of inputs) {
      // Completing at all is the assertion: a catastrophic pattern would hang the test until jest's timeout.
      expect(typeof redactor.redactText(input).text).toBe('string');
    }
  });
});
