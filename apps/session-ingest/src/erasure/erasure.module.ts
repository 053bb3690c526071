import { Module } from '@nestjs/common';
import { ErasureController } from './erasure.controller';
import { ErasureService } from './erasure.service';
import { ExportController } from './export.controller';
import { ExportService } from './export.service';
import { RetentionJob } from './retention.job';

/** Erasure of users and sessions (`/v1/admin/erasures`), and retention by the same means. */
@Module({ controllers: [ErasureController, ExportController], providers: [ErasureService, RetentionJob, ExportService] })
export class ErasureModule {}
