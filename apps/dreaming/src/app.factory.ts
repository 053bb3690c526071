import type { Type } from '@nestjs/common';
import type { LessonWriter } from '@reverie/contracts';
import { templateWriter } from '@reverie/dreaming-domain';
import { serviceAppModule, startServiceApp, type Clock, type CreateAppOptions as ServiceAppOptions, type Logger, type ServiceHandle } from '@reverie/service-kit';
import { createLessonWriter } from '@reverie/synthesis';
import { LESSON_WRITER } from './app.tokens';
import { DREAMING_CONFIG, type DreamingConfig } from './config/dreaming.config';
import { SERVICE } from './consumers/dreaming-consumers.service';
import { DreamsModule } from './dreams/dreams.module';

export interface CreateAppOptions extends ServiceAppOptions {
  /** Replaces the writer chosen from the configuration (template, or Claude with ANTHROPIC_API_KEY). */
  writer?: LessonWriter;
}

/** The module tree of the service for one configuration. */
export function dreamingAppModule(config: DreamingConfig, logger: Logger, clock: Clock, writer: LessonWriter): Type<unknown> {
  return serviceAppModule({
    service: SERVICE, config, configToken: DREAMING_CONFIG, logger, clock,
    providers: [{ provide: LESSON_WRITER, useValue: writer }],
    imports: [DreamsModule],
  });
}

/**
 * Starts the dreaming service listening on HOST:PORT (port 0 picks a free one): used by main.ts
 * and the integration tests alike. The lesson writer is the template writer unless
 * ANTHROPIC_API_KEY is set (then Claude, falling back to the template).
 */
export function createApp(config: DreamingConfig, options: CreateAppOptions = {}): Promise<ServiceHandle> {
  const { writer, ...serviceOptions } = options;
  return startServiceApp({
    ...serviceOptions, service: SERVICE, config,
    module: ({ logger, clock }) => dreamingAppModule(config, logger, clock, writer ?? createLessonWriter(config, templateWriter, {
      logger: (msg, fields) => logger.info(fields, msg),
    })),
  });
}
