import type { DreamEvent } from '@reverie/contracts';
import { decideDream } from '../dream/dream.decider';
import { DreamDomainError } from '../dream/dream-domain.error';
import type { DreamEventRecord } from '../dream/dream.event-records';
import { evolveDreamAll } from '../dream/dream.state';
import { givenWhenThen } from './decider-spec';
import { storedDream } from './dream.fixtures';

/** `given(history).when(command).then(newEvents)` or `.thenThrows(code)`, for the dream decider. */
export const given = givenWhenThen(
  { evolveAll: evolveDreamAll, decide: decideDream, isError: (e: unknown): e is DreamDomainError => e instanceof DreamDomainError },
  (e: DreamEventRecord | DreamEvent) => storedDream(e),
);
