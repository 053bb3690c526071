import { Module } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import type { DataSource } from 'typeorm';
import type { Topology } from '@reverie/contracts';
import { DATA_SOURCE, NATS_CONNECTION, TOPOLOGY } from '@reverie/service-kit';
import { DreamingConsumers } from '../consumers/dreaming-consumers.service';
import { DreamCommandListener } from './dream-command.listener';
import { DreamRunner } from './dream-runner.service';
import { DreamTriggers } from './dream-triggers.service';
import { DreamingErasureListener } from './erasure.listener';
import { DreamsController } from './dreams.controller';
import { LessonProposalsClient } from './lesson-proposals.client';
import { TenantStateRepository } from './tenant-state.repository';

@Module({
  controllers: [DreamsController],
  providers: [
    { provide: TenantStateRepository, inject: [DATA_SOURCE], useFactory: (ds: DataSource) => new TenantStateRepository(ds) },
    { provide: LessonProposalsClient, inject: [NATS_CONNECTION, TOPOLOGY], useFactory: (nc: NatsConnection, t: Topology) => new LessonProposalsClient(nc, t) },
    DreamRunner,
    DreamTriggers,
    DreamCommandListener,
    DreamingErasureListener,
    DreamingConsumers,
  ],
  exports: [DreamRunner],
})
export class DreamsModule {}
