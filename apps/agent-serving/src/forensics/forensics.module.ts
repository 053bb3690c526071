import { Module } from '@nestjs/common';
import { ForensicsController } from './forensics.controller';
import { ServedLogProjectionRunner } from './served-log-projection.runner';

@Module({ controllers: [ForensicsController], providers: [ServedLogProjectionRunner] })
export class ForensicsModule {}
