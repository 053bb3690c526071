import type { RunningConsumer } from '@reverie/event-store';

export interface ConsumerStatus {
  name: string;
  /** `running`; `restarting` (its loop ended or failed to start: retried with backoff); `stopped` (shut down). */
  state: 'running' | 'restarting' | 'stopped';
  restarts: number;
  lastError?: string;
  since: string;
  /** Messages the durable has not delivered yet (when it could be read). */
  lag?: number;
  /** Messages the durable delivered more than once and not yet acked (JetStream's num_redelivered). */
  redelivered?: number;
}

export interface SupervisedConsumer {
  name: string;
  start: () => Promise<RunningConsumer>;
  /** How many messages are waiting for it (its durable's pending count), and how many it is getting again. */
  lag?: () => Promise<{ pending: number; redelivered: number }>;
}

interface Entry { spec: SupervisedConsumer; status: ConsumerStatus; current?: RunningConsumer; timer?: NodeJS.Timeout }

export interface SupervisorLogger { warn(fields: object, msg: string): void; error(fields: object, msg: string): void; info(fields: object, msg: string): void }

/** Restart delays: 1 s, 2 s, 4 s … up to a minute. */
export const restartDelayMs = (restarts: number): number => Math.min(60_000, 1000 * 2 ** Math.min(6, Math.max(0, restarts - 1)));

/**
 * The consumers and projection runners a service started, supervised: a loop that ends while the
 * service runs (its durable deleted, NATS gone for good, a bug) is logged and started again with
 * backoff, and its state is what readiness reports. Stopped before NATS drains on shutdown.
 */
export class ManagedConsumers {
  private readonly entries = new Map<string, Entry>();
  private stopping = false;

  constructor(private readonly logger?: SupervisorLogger, private readonly now: () => Date = () => new Date()) {}

  /** Starts one; the first start's failure is the caller's (start-up fails), later ones are retried. */
  async start(spec: SupervisedConsumer): Promise<RunningConsumer> {
    const entry: Entry = { spec, status: { name: spec.name, state: 'running', restarts: 0, since: this.now().toISOString() } };
    this.entries.set(spec.name, entry);
    const running = await spec.start();
    this.watch(entry, running);
    return running;
  }

  private watch(entry: Entry, running: RunningConsumer): void {
    entry.current = running;
    entry.status = { ...entry.status, state: 'running', since: this.now().toISOString() };
    running.done.then(
      () => this.ended(entry, undefined),
      (err: unknown) => this.ended(entry, err),
    );
  }

  private ended(entry: Entry, err: unknown): void {
    if (this.stopping) return;
    const reason = err instanceof Error ? err.message : err === undefined ? 'its loop ended' : String(err);
    this.restartLater(entry, reason);
  }

  private restartLater(entry: Entry, reason: string): void {
    const restarts = entry.status.restarts + 1;
    const delay = restartDelayMs(restarts);
    entry.status = { ...entry.status, state: 'restarting', restarts, lastError: reason, since: this.now().toISOString() };
    this.logger?.error({ consumer: entry.spec.name, restarts, delayMs: delay, reason }, 'consumer loop stopped: restarting it');
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      if (this.stopping) return;
      entry.spec.start().then(
        (running) => {
          if (this.stopping) { void running.stop(); return; }
          this.logger?.info({ consumer: entry.spec.name, restarts }, 'consumer loop restarted');
          this.watch(entry, running);
        },
        (e: unknown) => this.restartLater(entry, e instanceof Error ? e.message : String(e)),
      );
    }, delay);
    entry.timer.unref();
  }

  /** Every supervised consumer's state, with its lag when it can be read. */
  async status(): Promise<ConsumerStatus[]> {
    return Promise.all([...this.entries.values()].map(async (e) => {
      const read = e.status.state === 'running' && e.spec.lag ? await e.spec.lag().catch(() => undefined) : undefined;
      return read === undefined ? { ...e.status } : { ...e.status, lag: read.pending, redelivered: read.redelivered };
    }));
  }

  async stopAll(): Promise<void> {
    this.stopping = true;
    const entries = [...this.entries.values()];
    for (const e of entries) {
      if (e.timer) clearTimeout(e.timer);
      e.status = { ...e.status, state: 'stopped', since: this.now().toISOString() };
    }
    await Promise.all(entries.map((e) => e.current?.stop()));
  }
}
