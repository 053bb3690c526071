import { Module } from '@nestjs/common';
import { ErasureController } from './erasure.controller';
import { ErasureService } from './erasure.service';
import { RetentionJob } from './retention.job';

/** Erasure of users and sessions (`/v1/admin/erasures`), and retention by the same means. */
@Module({ controllers: [ErasureController], providers: [ErasureService, RetentionJob] })
export class ErasureModule {}
