import { Global, Module } from '@nestjs/common';
import { PolicyController } from './policy.controller';
import { TenantPolicyStore } from './tenant-policy.store';

/** The tenant's governance policy (`/v1/admin/policy`). Global: every lesson decision reads it. */
@Global()
@Module({ controllers: [PolicyController], providers: [TenantPolicyStore], exports: [TenantPolicyStore] })
export class PolicyModule {}
