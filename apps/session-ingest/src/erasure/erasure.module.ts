import { Module } from '@nestjs/common';
import { ErasureController } from './erasure.controller';
import { ErasureService } from './erasure.service';

/** Erasure of users and sessions (`/v1/admin/erasures`). */
@Module({ controllers: [ErasureController], providers: [ErasureService] })
export class ErasureModule {}
