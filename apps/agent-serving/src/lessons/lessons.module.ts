import { ServingsController } from './servings.controller';
import { Module } from '@nestjs/common';
import { AgentLessonsController } from './agent-lessons.controller';
import { AgentLessonsService } from './agent-lessons.service';
import { ActiveLessonsProjectionRunner } from './active-lessons-projection.runner';
import { ActiveLessonsCache } from './active-lessons.cache';
import { McpController } from '../mcp/mcp.controller';

@Module({
  controllers: [AgentLessonsController, ServingsController, McpController],
  providers: [AgentLessonsService, ActiveLessonsCache, ActiveLessonsProjectionRunner],
})
export class LessonsModule {}
