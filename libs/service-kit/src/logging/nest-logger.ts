import type { LoggerService } from '@nestjs/common';
import type { Logger } from 'pino';

/** Lets NestJS write through pino. Nest passes the context (class name) as the last string parameter. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...params: unknown[]) {
    this.write('info', message, params);
  }
  error(message: unknown, ...params: unknown[]) {
    // Nest calls error(message, stack?, context?)
    const [stack, context] = params;
    const fields: Record<string, unknown> = {};
    if (typeof context === 'string') fields['context'] = context;
    if (typeof stack === 'string' && stack.includes('\n')) fields['stack'] = stack;
    else if (typeof stack === 'string' && context === undefined) fields['context'] = stack;
    this.emit('error', message, fields);
  }
  warn(message: unknown, ...params: unknown[]) {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]) {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]) {
    this.write('trace', message, params);
  }
  fatal(message: unknown, ...params: unknown[]) {
    this.write('fatal', message, params);
  }

  private write(level: 'info' | 'warn' | 'debug' | 'trace' | 'fatal', message: unknown, params: unknown[]) {
    const context = params.length > 0 && typeof params[params.length - 1] === 'string' ? params[params.length - 1] : undefined;
    this.emit(level, message, context === undefined ? {} : { context });
  }

  private emit(level: 'info' | 'warn' | 'debug' | 'trace' | 'fatal' | 'error', message: unknown, fields: Record<string, unknown>) {
    if (message instanceof Error) this.logger[level]({ ...fields, err: message }, message.message);
    else if (typeof message === 'object' && message !== null) this.logger[level]({ ...fields, ...(message as object) });
    else this.logger[level](fields, String(message));
  }
}
