import { Module } from '@nestjs/common';
import { DriftGuard } from '../drift/drift-guard.service';
import { LessonClock } from './lesson-clock.service';
import { LessonMetrics } from './lesson-metrics';
import { LessonDecisionsService } from './lesson-decisions.service';
import { LessonProposalListener } from './lesson-proposal.listener';
import { LessonProposalsService } from './lesson-proposals.service';
import { LessonQueriesService } from './lesson-queries.service';
import { LessonsController } from './lessons.controller';
import { LessonsProjectionRunner } from './lessons-projection.runner';

@Module({
  controllers: [LessonsController],
  providers: [LessonQueriesService, LessonDecisionsService, LessonProposalsService, LessonProposalListener, LessonsProjectionRunner, LessonClock, DriftGuard, LessonMetrics],
  exports: [LessonClock, LessonDecisionsService],
})
export class LessonsModule {}
