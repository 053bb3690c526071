import type { CompleteDream, FailDream, RequestDream, StartDream } from './dream.commands';
import { given } from '../testing/dream-given-when-then';
import { completed, dreamCommand, failed, requested, started } from '../testing/dream.fixtures';

const request = (trigger: RequestDream['data']['trigger'] = 'manual') =>
  dreamCommand<RequestDream>('RequestDream', requested(trigger).data as RequestDream['data']);
const start = () => dreamCommand<StartDream>('StartDream', started().data as StartDream['data']);
const complete = () => dreamCommand<CompleteDream>('CompleteDream', completed().data as CompleteDream['data']);
const fail = (error = 'boom') => dreamCommand<FailDream>('FailDream', { error });

describe('dream decider', () => {
  describe('RequestDream', () => {
    it('requests a new dream', () => given([]).when(request('schedule')).then([requested('schedule')]));
    it('refuses to request a dream that exists, whatever its status', () => {
      given([requested()]).when(request()).thenThrows('already-requested', /status requested\): request a new dream/);
      given([requested(), started()]).when(request()).thenThrows('already-requested', /status running/);
      given([requested(), started(), completed()]).when(request()).thenThrows('already-requested', /status completed/);
      given([requested(), failed()]).when(request()).thenThrows('already-requested', /status failed/);
    });
    it('refuses a request with an invalid trigger, naming the field', () =>
      given([]).when(dreamCommand<RequestDream>('RequestDream', { trigger: 'cron' as 'manual', requestedBy: 'http' }))
        .thenThrows('invalid-command', /data\.trigger/));
    it('refuses a command whose clock is not an ISO date-time', () =>
      given([]).when({ ...request(), metadata: { ...request().metadata, now: 'yesterday' } })
        .thenThrows('invalid-command', /metadata\.now/));
  });

  describe('StartDream', () => {
    it('starts a requested dream', () => given([requested()]).when(start()).then([started()]));
    it('refuses to start a dream twice', () =>
      given([requested(), started()]).when(start()).thenThrows('already-started', /runs once/));
    it('refuses to start a completed dream', () =>
      given([requested(), started(), completed()]).when(start()).thenThrows('already-completed', /request a new one/));
    it('refuses to start a failed dream', () =>
      given([requested(), failed()]).when(start()).thenThrows('already-failed', /request a new one/));
    it('refuses to start a dream never requested', () => given([]).when(start()).thenThrows('not-found', /never requested/));
    it('refuses a start with an invalid window, naming the field', () =>
      given([requested()]).when(dreamCommand<StartDream>('StartDream', { ...start().data, window: { fromSeq: -1, toSeq: 0 } }))
        .thenThrows('invalid-command', /data\.window\.fromSeq/));
  });

  describe('CompleteDream', () => {
    it('completes a running dream', () => given([requested(), started()]).when(complete()).then([completed()]));
    it('refuses to complete a dream that has not started', () =>
      given([requested()]).when(complete()).thenThrows('not-started'));
    it('refuses to complete a dream twice', () =>
      given([requested(), started(), completed()]).when(complete()).thenThrows('already-completed'));
    it('refuses to complete a failed dream', () => {
      given([requested(), started(), failed()]).when(complete()).thenThrows('already-failed', /failure stands/);
      given([requested(), failed()]).when(complete()).thenThrows('already-failed');
    });
    it('refuses to complete a dream never requested', () => given([]).when(complete()).thenThrows('not-found'));
    it('refuses a completion with negative counts, naming the field', () =>
      given([requested(), started()]).when(dreamCommand<CompleteDream>('CompleteDream', { ...complete().data, counts: { proposed: -1 } }))
        .thenThrows('invalid-command', /data\.counts\.proposed/));
  });

  describe('FailDream', () => {
    it('fails a running dream', () => given([requested(), started()]).when(fail('db down')).then([failed('db down')]));
    it('fails a requested dream that never started', () => given([requested()]).when(fail()).then([failed()]));
    it('refuses to fail a completed dream', () =>
      given([requested(), started(), completed()]).when(fail()).thenThrows('already-completed'));
    it('refuses to fail a dream twice', () => {
      given([requested(), started(), failed()]).when(fail()).thenThrows('already-failed');
      given([requested(), failed()]).when(fail()).thenThrows('already-failed');
    });
    it('refuses to fail a dream never requested', () => given([]).when(fail()).thenThrows('not-found'));
    it('refuses an error over the contract\'s 10000 characters', () =>
      given([requested()]).when(fail('x'.repeat(10_001))).thenThrows('invalid-command', /data\.error/));
  });

  describe('full lifecycle', () => {
    it('requested, started, completed: then nothing more', () => {
      const history = [requested(), started(), completed()];
      given([]).when(request()).then([requested()]);
      given(history.slice(0, 1)).when(start()).then([started()]);
      given(history.slice(0, 2)).when(complete()).then([completed()]);
      for (const c of [request(), start(), complete(), fail()]) given(history).when(c).thenThrows(c.type === 'RequestDream' ? 'already-requested' : 'already-completed');
    });
    it('requested, started, failed: then nothing more', () => {
      const history = [requested(), started(), failed()];
      for (const c of [request(), start(), complete(), fail()]) given(history).when(c).thenThrows(c.type === 'RequestDream' ? 'already-requested' : 'already-failed');
    });
  });
});
