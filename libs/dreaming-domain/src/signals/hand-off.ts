/** A call that hands the conversation to a human (`transfer_to_human_agents`, `escalate_to_support`). */
const HAND_OFF = /(transfer|hand_?off|escalat).*(human|agent|support|operator)|^(transfer|escalate)_?to/i;

export function isHandOff(step: string): boolean {
  return HAND_OFF.test(step);
}
