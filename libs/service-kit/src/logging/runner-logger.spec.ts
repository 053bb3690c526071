import { Writable } from 'node:stream';
import { createLogger } from './logger';
import { runnerLogger } from './runner-logger';

describe('runnerLogger', () => {
  it('writes each level through pino, with the fields and the message', () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({ write: (chunk, _e, done) => { lines.push(JSON.parse(String(chunk))); done(); } });
    const logger = runnerLogger(createLogger('dreaming', 'info', sink).child({ projection: 'p' }));
    logger.info('batch committed', { seq: 3 });
    logger.warn('redelivered');
    logger.error('poison', { subject: 'x' });
    expect(lines.map(({ level, msg, projection, seq, subject }) => ({ level, msg, projection, seq, subject }))).toEqual([
      { level: 'info', msg: 'batch committed', projection: 'p', seq: 3, subject: undefined },
      { level: 'warn', msg: 'redelivered', projection: 'p', seq: undefined, subject: undefined },
      { level: 'error', msg: 'poison', projection: 'p', seq: undefined, subject: 'x' },
    ]);
  });
});
