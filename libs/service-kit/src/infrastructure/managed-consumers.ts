import type { RunningConsumer } from '@reverie/event-store';

/** The consumers and projection runners a service started; stopped before NATS drains on shutdown. */
export class ManagedConsumers {
  private readonly running: RunningConsumer[] = [];

  async start(runner: Promise<RunningConsumer>): Promise<RunningConsumer> {
    const r = await runner;
    this.running.push(r);
    return r;
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.running.splice(0).map((r) => r.stop()));
  }
}
