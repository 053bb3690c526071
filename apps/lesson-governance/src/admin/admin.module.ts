import { Module } from '@nestjs/common';
import { KeysController } from './keys.controller';
import { ConsoleConfigController } from '../console/console-config.controller';

/** Tenant administration on lesson-governance: API keys (`/v1/admin/keys`), for the `admin` role; where the console finds the services. */
@Module({ controllers: [KeysController, ConsoleConfigController] })
export class AdminModule {}
