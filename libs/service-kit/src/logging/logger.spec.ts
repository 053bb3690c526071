import { Writable } from 'node:stream';
import { createLogger, REDACTED } from './logger';
import { PinoNestLogger } from './nest-logger';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, stream };
}

describe('createLogger', () => {
  it('writes JSON lines with service, level label and ISO time', () => {
    const { lines, stream } = capture();
    createLogger('dreaming', 'info', stream).info({ dreamId: 'd1' }, 'dream started');
    expect(lines[0]).toMatchObject({ service: 'dreaming', level: 'info', msg: 'dream started', dreamId: 'd1' });
    expect(typeof lines[0]['time']).toBe('string');
  });

  it('never writes api keys, authorization headers or config secrets', () => {
    const { lines, stream } = capture();
    const log = createLogger('session-ingest', 'info', stream);
    log.info({ req: { headers: { authorization: 'Bearer sk-live-1', 'x-api-key': 'sk-live-2', accept: 'json' } } }, 'request');
    log.info({ config: { ANTHROPIC_API_KEY: 'sk-ant-3', DATABASE_URL: 'postgres://u:pw4@h/db', PORT: 4101 } }, 'config');
    log.info({ client: { apiKey: 'sk-5' } }, 'client');
    const text = JSON.stringify(lines);
    for (const secret of ['sk-live-1', 'sk-live-2', 'sk-ant-3', 'pw4', 'sk-5']) expect(text).not.toContain(secret);
    expect(lines[0]).toMatchObject({ req: { headers: { authorization: REDACTED, 'x-api-key': REDACTED, accept: 'json' } } });
    expect(lines[1]).toMatchObject({ config: { ANTHROPIC_API_KEY: REDACTED, PORT: 4101 } });
  });

  it('drops entries below the level', () => {
    const { lines, stream } = capture();
    const log = createLogger('x', 'warn', stream);
    log.info('hidden');
    log.warn('shown');
    expect(lines.map((l) => l['msg'])).toEqual(['shown']);
  });
});

describe('PinoNestLogger', () => {
  it('maps Nest calls to pino levels with their context and stack', () => {
    const { lines, stream } = capture();
    const nest = new PinoNestLogger(createLogger('x', 'trace', stream));
    nest.log('mapped routes', 'RoutesResolver');
    nest.error('boom', 'Error: boom\n    at f (x.ts:1)', 'ExceptionsHandler');
    nest.verbose('details');
    expect(lines[0]).toMatchObject({ level: 'info', msg: 'mapped routes', context: 'RoutesResolver' });
    expect(lines[1]).toMatchObject({ level: 'error', msg: 'boom', context: 'ExceptionsHandler', stack: expect.stringContaining('at f') });
    expect(lines[2]).toMatchObject({ level: 'trace', msg: 'details' });
  });
});
