import { Module } from '@nestjs/common';
import { LessonsModule } from '../lessons/lessons.module';
import { RevocationsController } from './revocations.controller';
import { ErasureListener } from './erasure.listener';
import { RevocationsService } from './revocations.service';

/** Revoke by source (`/v1/admin/revocations`). */
@Module({ imports: [LessonsModule], controllers: [RevocationsController], providers: [RevocationsService, ErasureListener] })
export class RevocationsModule {}
