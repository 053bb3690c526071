import { Module } from '@nestjs/common';
import { KeysController } from './keys.controller';

/** Tenant administration on lesson-governance: API keys (`/v1/admin/keys`), for the `admin` role. */
@Module({ controllers: [KeysController] })
export class AdminModule {}
