/**
 * The commands a benchmark sends to a service it runs in a child process: its CPU usage so far,
 * a CPU profile (start, stop into a file), and stop. One loop for every bench's child.
 */
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';

export type ChildCommand = { type: 'cpu' } | { type: 'stop' } | { type: 'profile' } | { type: 'profile-stop'; file: string };

export function serveChildCommands(name: string, stop: () => Promise<unknown>): void {
  const send = (m: unknown) => process.send?.(m);
  let session: Session | undefined;
  process.on('message', (m: ChildCommand) => {
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
        await stop();
        send({ type: 'stopped' });
        process.disconnect();
      }
    })().catch((err: Error) => {
      process.stderr.write(`bench ${name}: ${err.stack}\n`);
      process.exit(1);
    });
  });
}
