import { SessionBuilder } from '../synthetic/session.builder';
import { extractSignals } from './extract-signals.extractor';
import { withoutQuarantined } from './quarantine';
import { evidenceSourceOf } from '../mining/evidence-source';

const start = Date.UTC(2026, 2, 1);
const session = (id: string, user: string, key: string) => {
  const b = new SessionBuilder('acme', id, 'agent-1', user, start);
  b.start('publish the package');
  b.tool('Bash', { command: 'npm publish' }, 'npm ERR! enoent ENOENT: no such file', true);
  b.user("no, don't publish before you build it");
  return { ...extractSignals(b.end('failure').map((e) => ({ ...e, ingestedBy: [key] }))), userId: user };
};

describe('withoutQuarantined', () => {
  const signals = [session('s1', 'ana', 'key:team'), session('s2', 'mallory', 'key:attacker'), session('s3', 'bo', 'key:team')];

  it('leaves out the sessions of a quarantined session, credential or user', () => {
    expect(withoutQuarantined(signals, [{ kind: 'session', id: 's1' }]).map((s) => s.sessionId)).toEqual(['s2', 's3']);
    expect(withoutQuarantined(signals, [{ kind: 'credential', id: 'key:attacker' }]).map((s) => s.sessionId)).toEqual(['s1', 's3']);
    expect(withoutQuarantined(signals, [{ kind: 'user', id: 'bo' }]).map((s) => s.sessionId)).toEqual(['s1', 's2']);
    expect(withoutQuarantined(signals, [])).toEqual(signals);
  });

  it('drops what a quarantined user said in another user\'s session', () => {
    const shared = { ...signals[0], corrections: [...signals[0].corrections, { ...signals[0].corrections[0], userId: 'mallory' }] };
    const [kept] = withoutQuarantined([shared], [{ kind: 'user', id: 'mallory' }]);
    expect(kept.corrections.every((c) => c.userId !== 'mallory')).toBe(true);
    expect(kept.corrections.length).toBe(shared.corrections.length - 1);
  });
});

describe('evidenceSourceOf', () => {
  it('tells what the user wrote from what a tool returned', () => {
    const s = signals0();
    expect(evidenceSourceOf(s, s.errors[0].eventId)).toBe('tool-output');
    expect(evidenceSourceOf(s, s.corrections[0].eventId)).toBe('user-message');
    expect(evidenceSourceOf(s, s.taskEventId)).toBe('user-message');
    expect(evidenceSourceOf(s, s.toolEventIds[0])).toBe('agent-message');
  });
});

function signals0() {
  return session('s9', 'ana', 'key:team');
}
