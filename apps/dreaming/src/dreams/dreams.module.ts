import { Module } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { DATA_SOURCE } from '@reverie/service-kit';
import { DreamingConsumers } from '../consumers/dreaming-consumers.service';
import { DreamCommandListener } from './dream-command.listener';
import { DreamRunner } from './dream-runner.service';
import { DreamTriggers } from './dream-triggers.service';
import { DreamsController } from './dreams.controller';
import { TenantStateRepository } from './tenant-state.repository';

@Module({
  controllers: [DreamsController],
  providers: [
    { provide: TenantStateRepository, inject: [DATA_SOURCE], useFactory: (ds: DataSource) => new TenantStateRepository(ds) },
    DreamRunner,
    DreamTriggers,
    DreamCommandListener,
    DreamingConsumers,
  ],
  exports: [DreamRunner],
})
export class DreamsModule {}
