import { Global, Module } from '@nestjs/common';
import { LessonGuardrails } from './lesson-guardrails.service';
import { PolicyController } from './policy.controller';
import { TenantPolicyStore } from './tenant-policy.store';
import { TenantAggregate } from '../tenant/tenant-aggregate';

/** The tenant's governance policy (`/v1/admin/policy`) and its guardrails. Global: every lesson decision reads them. */
@Global()
@Module({ controllers: [PolicyController], providers: [TenantAggregate, TenantPolicyStore, LessonGuardrails], exports: [TenantAggregate, TenantPolicyStore, LessonGuardrails] })
export class PolicyModule {}
