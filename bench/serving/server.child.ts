/**
 * A child process of bench/serving: agent-serving as it runs in production (its own process), or
 * the bare `node:http` baseline answering a fixed body. Told which by BENCH_TARGET.
 */
import http from 'node:http';
import { createApp } from '../../apps/agent-serving/src/app.factory';
import { loadServingConfig } from '../../apps/agent-serving/src/config/serving.config';

async function main(): Promise<void> {
  if (process.env.BENCH_TARGET === 'bare') {
    let body = Buffer.from('{}');
    process.on('message', (m: { type: string; body?: string }) => { if (m.type === 'body') { body = Buffer.from(m.body ?? '{}'); process.send?.({ type: 'body-set' }); } });
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
      res.end(body);
    });
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    process.send?.({ type: 'ready', url: `http://127.0.0.1:${(server.address() as { port: number }).port}` });
    return;
  }
  const app = await createApp(loadServingConfig(process.env), { handleSignals: false });
  process.on('message', async (m: { type: string }) => { if (m.type === 'stop') { await app.shutdown('bench done'); process.exit(0); } });
  process.send?.({ type: 'ready', url: app.url });
}

void main().catch((err) => { console.error(err); process.exit(1); });
