import { Module } from '@nestjs/common';
import { DreamsController } from './dreams.controller';
import { DreamsProjectionRunner } from './dreams-projection.runner';

@Module({
  controllers: [DreamsController],
  providers: [DreamsProjectionRunner],
})
export class DreamsModule {}
