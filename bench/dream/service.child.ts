/**
 * One service of the service dream bench (session-ingest or dreaming, `BENCH_APP`), in a process
 * of its own as in production, on the namespace and database service.ts provisioned (its
 * environment: NATS_URL, DATABASE_URL, REVERIE_NAMESPACE, REVERIE_API_KEYS …). Talks to
 * service.ts over the IPC channel:
 *   → { type: 'ready', url }                         once the app listens
 *   → { type: 'log', line }                          each 'dream completed' log line (with phasesMs)
 *   ← { type: 'cpu' }          → { type: 'cpu', usage }   process.cpuUsage() of this process
 *   ← { type: 'profile' }      starts a V8 CPU profile; ← { type: 'profile-stop', file } writes it
 *   ← { type: 'stop' }         shuts the app down and exits
 * Warnings and errors of the app go to stderr.
 */
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { Writable } from 'node:stream';
import { createLogger, type ServiceHandle } from '@reverie/service-kit';
import { createApp as createDreamingApp } from '../../apps/dreaming/src/app.factory';
import { loadDreamingConfig } from '../../apps/dreaming/src/config/dreaming.config';
import { createApp as createIngestApp } from '../../apps/session-ingest/src/app.factory';
import { loadIngestConfig } from '../../apps/session-ingest/src/config/ingest.config';

type Command = { type: 'cpu' } | { type: 'stop' } | { type: 'profile' } | { type: 'profile-stop'; file: string };

const send = (m: unknown) => process.send?.(m);

/** The app's JSON log lines: 'dream completed' goes to the bench, warnings and errors to stderr. */
const logSink = new Writable({
  write(chunk, _enc, done) {
    for (const text of String(chunk).split('\n')) {
      if (!text) continue;
      try {
        const line = JSON.parse(text) as { msg?: string; level?: string };
        if (line.msg === 'dream completed') send({ type: 'log', line });
        if (line.level === 'warn' || line.level === 'error' || line.level === 'fatal') process.stderr.write(`${text}\n`);
      } catch {
        process.stderr.write(`${text}\n`);
      }
    }
    done();
  },
});

async function main(): Promise<void> {
  const app = process.env.BENCH_APP;
  let handle: ServiceHandle;
  if (app === 'session-ingest') {
    handle = await createIngestApp(loadIngestConfig(process.env), { handleSignals: false, logger: createLogger(app, 'warn', logSink) });
  } else if (app === 'dreaming') {
    handle = await createDreamingApp(loadDreamingConfig(process.env), { handleSignals: false, logger: createLogger(app, 'info', logSink) });
  } else {
    throw new Error(`BENCH_APP must be session-ingest or dreaming, got ${app}`);
  }
  let session: Session | undefined;
  process.on('message', (m: Command) => {
    void (async () => {
      if (m.type === 'cpu') send({ type: 'cpu', usage: process.cpuUsage() });
      else if (m.type === 'profile') {
        session = new Session();
        session.connect();
        await session.post('Profiler.enable');
        await session.post('Profiler.start');
        send({ type: 'profile' });
      } else if (m.type === 'profile-stop' && session) {
        const { profile } = await session.post('Profiler.stop');
        await writeFile(m.file, JSON.stringify(profile));
        session.disconnect();
        session = undefined;
        send({ type: 'profile-stop' });
      } else if (m.type === 'stop') {
        await handle.shutdown('bench done');
        send({ type: 'stopped' });
        process.disconnect();
      }
    })().catch((err: Error) => {
      process.stderr.write(`bench ${app}: ${err.stack}\n`);
      process.exit(1);
    });
  });
  send({ type: 'ready', url: handle.url });
}

main().catch((err: Error) => {
  process.stderr.write(`bench service ${process.env.BENCH_APP} failed to start: ${err.stack}\n`);
  process.exit(1);
});
