import type { Logger } from 'pino';
import type { RunnerLogger } from '@reverie/event-store';

/** The event-store runners' logger interface, written through pino. */
export const runnerLogger = (logger: Logger): RunnerLogger => ({
  info: (msg, fields) => logger.info(fields ?? {}, msg),
  warn: (msg, fields) => logger.warn(fields ?? {}, msg),
  error: (msg, fields) => logger.error(fields ?? {}, msg),
});
