import { InitialSchema1732190000000 } from './1732190000000-initial-schema';
import { ServingLessonViews1732190100000 } from './1732190100000-serving-lesson-views';
import { DreamingRuns1732190200000 } from './1732190200000-dreaming-runs';
import { ApiKeys1732190300000 } from './1732190300000-api-keys';
import { GovernancePolicy1732190400000 } from './1732190400000-governance-policy';
import { LessonLifecycle1732190500000 } from './1732190500000-lesson-lifecycle';
import { TenantAggregate1732190600000 } from './1732190600000-tenant-aggregate';
import { ContentKeys1732190700000 } from './1732190700000-content-keys';
import { UserTokenKeys1732190800000 } from './1732190800000-user-token-keys';
import { AgentBoundKeys1732190900000 } from './1732190900000-agent-bound-keys';
import { LessonEfficacy1732191000000 } from './1732191000000-lesson-efficacy';
import { ServingForensics1732191100000 } from './1732191100000-serving-forensics';
import { ProjectionLeases1732191200000 } from './1732191200000-projection-leases';
import { ProjectionRewind1732191300000 } from './1732191300000-projection-rewind';

/** Every migration, in order. New ones are appended; applied ones are never edited. */
export const ALL_MIGRATIONS = [InitialSchema1732190000000, ServingLessonViews1732190100000, DreamingRuns1732190200000, ApiKeys1732190300000, GovernancePolicy1732190400000, LessonLifecycle1732190500000, TenantAggregate1732190600000, ContentKeys1732190700000, UserTokenKeys1732190800000, AgentBoundKeys1732190900000, LessonEfficacy1732191000000, ServingForensics1732191100000, ProjectionLeases1732191200000, ProjectionRewind1732191300000];
