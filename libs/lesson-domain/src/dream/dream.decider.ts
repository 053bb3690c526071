import type { CompleteDream, DreamCommand, FailDream, RequestDream, StartDream } from './dream.commands';
import { validateDreamCommand } from './dream-command.validation';
import { DreamDomainError } from './dream-domain.error';
import type { DreamEventRecord } from './dream.event-records';
import type { DreamState } from './dream.state';

/**
 * Decides what a command on a dream run means, given the run's current state: the new events, or a
 * DreamDomainError when it is not allowed. A dream is requested once, starts once, and ends once:
 * it completes only after it started, and it may fail before or after it started.
 */
export function decideDream(command: DreamCommand, state: DreamState): DreamEventRecord[] {
  validateDreamCommand(command);
  switch (command.type) {
    case 'RequestDream':
      return request(command, state);
    case 'StartDream':
      return start(command, state);
    case 'CompleteDream':
      return complete(command, state);
    case 'FailDream':
      return fail(command, state);
    default:
      return exhaustive(command);
  }
}

function request(command: RequestDream, state: DreamState): DreamEventRecord[] {
  if (state.status !== 'initial') {
    throw new DreamDomainError('already-requested', `dream already exists (status ${state.status}): request a new dream instead`);
  }
  return [{ type: 'DreamRequested', data: command.data }];
}

function start(command: StartDream, state: DreamState): DreamEventRecord[] {
  switch (state.status) {
    case 'initial':
      throw notFound('start');
    case 'running':
      throw new DreamDomainError('already-started', 'dream has already started: a dream runs once');
    case 'completed':
      throw new DreamDomainError('already-completed', 'cannot start a completed dream: request a new one');
    case 'failed':
      throw new DreamDomainError('already-failed', 'cannot start a failed dream: request a new one');
    case 'requested':
      return [{ type: 'DreamStarted', data: command.data }];
    default:
      return exhaustive(state);
  }
}

function complete(command: CompleteDream, state: DreamState): DreamEventRecord[] {
  switch (state.status) {
    case 'initial':
      throw notFound('complete');
    case 'requested':
      throw new DreamDomainError('not-started', 'cannot complete a dream that has not started');
    case 'completed':
      throw new DreamDomainError('already-completed', 'dream is already completed');
    case 'failed':
      throw new DreamDomainError('already-failed', 'cannot complete a failed dream: its failure stands; request a new one');
    case 'running':
      return [{ type: 'DreamCompleted', data: command.data }];
    default:
      return exhaustive(state);
  }
}

function fail(command: FailDream, state: DreamState): DreamEventRecord[] {
  switch (state.status) {
    case 'initial':
      throw notFound('fail');
    case 'completed':
      throw new DreamDomainError('already-completed', 'cannot fail a completed dream');
    case 'failed':
      throw new DreamDomainError('already-failed', 'dream has already failed');
    case 'requested':
    case 'running':
      return [{ type: 'DreamFailed', data: command.data }];
    default:
      return exhaustive(state);
  }
}

const notFound = (verb: string) => new DreamDomainError('not-found', `cannot ${verb} a dream that was never requested`);

function exhaustive(x: never): never {
  throw new DreamDomainError('invalid-command', `unhandled case: ${JSON.stringify(x)}`);
}
