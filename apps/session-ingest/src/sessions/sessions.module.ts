import { Module } from '@nestjs/common';
import { SessionsProjectionRunner } from './sessions-projection.runner';
import { SessionsController } from './sessions.controller';

@Module({ controllers: [SessionsController], providers: [SessionsProjectionRunner] })
export class SessionsModule {}
