import { isStateChanging } from '../signals/state-change.classifier';
import { describeStep, toolOfStep } from '../signals/step-key';

/**
 * Verbs of tools that change state which the shared classifier does not list (it knows writes,
 * bookings, payments...): a line resumed, roaming enabled, data refuelled, a permission granted.
 */
const MORE_STATE_VERBS = /^(resume|enable|disable|activate|deactivate|reactivate|suspend|grant|revoke|refuel|reset|unlock|lock|block|unblock|renew|upgrade|downgrade|assign|reopen|close|restart)_/i;

/** A step (`cancel_pending_order`, `Bash(git push)`) that changes something outside the conversation, rather than looking something up. */
export function changesState(step: string): boolean {
  const tool = toolOfStep(step);
  const command = describeStep(step) === step ? undefined : { command: describeStep(step) };
  return isStateChanging(tool, command) || (command === undefined && MORE_STATE_VERBS.test(step));
}
