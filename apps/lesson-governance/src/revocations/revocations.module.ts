import { Module } from '@nestjs/common';
import { LessonsModule } from '../lessons/lessons.module';
import { RevocationsController } from './revocations.controller';
import { RevocationsService } from './revocations.service';

/** Revoke by source (`/v1/admin/revocations`). */
@Module({ imports: [LessonsModule], controllers: [RevocationsController], providers: [RevocationsService] })
export class RevocationsModule {}
