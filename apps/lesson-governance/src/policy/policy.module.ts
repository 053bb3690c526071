import { Global, Module } from '@nestjs/common';
import { LessonGuardrails } from './lesson-guardrails.service';
import { PolicyController } from './policy.controller';
import { TenantPolicyStore } from './tenant-policy.store';

/** The tenant's governance policy (`/v1/admin/policy`) and its guardrails. Global: every lesson decision reads them. */
@Global()
@Module({ controllers: [PolicyController], providers: [TenantPolicyStore, LessonGuardrails], exports: [TenantPolicyStore, LessonGuardrails] })
export class PolicyModule {}
