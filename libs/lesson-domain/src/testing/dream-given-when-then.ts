import type { DreamEvent } from '@reverie/contracts';
import type { DreamCommand } from '../dream/dream.commands';
import { decideDream } from '../dream/dream.decider';
import { DreamDomainError, type DreamDomainErrorCode } from '../dream/dream-domain.error';
import type { DreamEventRecord } from '../dream/dream.event-records';
import { evolveDreamAll } from '../dream/dream.state';
import { storedDream } from './dream.fixtures';

/** `given(history).when(command).then(newEvents)` or `.thenThrows(code)`, for the dream decider. */
export function given(history: Array<DreamEventRecord | DreamEvent>) {
  const state = evolveDreamAll(history.map((e) => storedDream(e)));
  return {
    when(command: DreamCommand) {
      return {
        then(expected: DreamEventRecord[]) {
          expect(decideDream(command, state)).toEqual(expected);
        },
        thenThrows(code: DreamDomainErrorCode, message?: RegExp) {
          let error: unknown;
          try {
            decideDream(command, state);
          } catch (e) {
            error = e;
          }
          expect(error).toBeInstanceOf(DreamDomainError);
          expect((error as DreamDomainError).code).toBe(code);
          if (message) expect((error as DreamDomainError).message).toMatch(message);
        },
      };
    },
  };
}
