/**
 * One service of the service dream bench (session-ingest, lesson-governance or dreaming,
 * `BENCH_APP`), in a process of its own as in production, on the namespace and database
 * service.ts provisioned (its environment: NATS_URL, DATABASE_URL, REVERIE_NAMESPACE,
 * REVERIE_API_KEYS …). Talks to service.ts over the IPC channel:
 *   → { type: 'ready', url }                         once the app listens
 *   → { type: 'log', line }                          each 'dream completed' log line (with phasesMs)
 *   ← { type: 'cpu' }          → { type: 'cpu', usage }   process.cpuUsage() of this process
 *   ← { type: 'profile' }      starts a V8 CPU profile; ← { type: 'profile-stop', file } writes it
 *   ← { type: 'stop' }         shuts the app down and exits
 * Warnings and errors of the app go to stderr.
 */
import { Writable } from 'node:stream';
import { createLogger, type ServiceHandle } from '@reverie/service-kit';
import { createApp as createDreamingApp } from '../../apps/dreaming/src/app.factory';
import { loadDreamingConfig } from '../../apps/dreaming/src/config/dreaming.config';
import { createApp as createGovernanceApp } from '../../apps/lesson-governance/src/app.factory';
import { loadGovernanceConfig } from '../../apps/lesson-governance/src/config/governance.config';
import { createApp as createIngestApp } from '../../apps/session-ingest/src/app.factory';
import { loadIngestConfig } from '../../apps/session-ingest/src/config/ingest.config';
import { serveChildCommands } from '../child-commands';


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
  } else if (app === 'lesson-governance') {
    handle = await createGovernanceApp(loadGovernanceConfig(process.env), { handleSignals: false, logger: createLogger(app, 'warn', logSink) });
  } else if (app === 'dreaming') {
    handle = await createDreamingApp(loadDreamingConfig(process.env), { handleSignals: false, logger: createLogger(app, 'info', logSink) });
  } else {
    throw new Error(`BENCH_APP must be session-ingest, lesson-governance or dreaming, got ${app}`);
  }
  serveChildCommands(app, () => handle.shutdown('bench done'));
  send({ type: 'ready', url: handle.url });
}

main().catch((err: Error) => {
  process.stderr.write(`bench service ${process.env.BENCH_APP} failed to start: ${err.stack}\n`);
  process.exit(1);
});
