import { ServingsController } from './servings.controller';
import { Module } from '@nestjs/common';
import { AgentLessonsController } from './agent-lessons.controller';
import { AgentLessonsService } from './agent-lessons.service';
import { ActiveLessonsProjectionRunner } from './active-lessons-projection.runner';

@Module({
  controllers: [AgentLessonsController, ServingsController],
  providers: [AgentLessonsService, ActiveLessonsProjectionRunner],
})
export class LessonsModule {}
