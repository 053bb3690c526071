import { DEFAULT_DRIFT_CAPS, exceedsDrift, utcDay, type DriftCaps } from './drift-caps';

const caps: DriftCaps = { ...DEFAULT_DRIFT_CAPS, maxApprovalsPerDay: 3, maxRetirementsPerDay: 2, maxActiveChangesPerDay: 4, maxActiveShareChangedPerDay: 0.25, shareFloor: 8 };

describe('drift caps', () => {
  it('lets changes through up to each cap, and names the cap that stops the next one', () => {
    expect(exceedsDrift('approve', 'tenant acme', { approvals: 2, retirements: 0, activeAtDayStart: 0 }, caps)).toBeUndefined();
    expect(exceedsDrift('approve', 'tenant acme', { approvals: 3, retirements: 0, activeAtDayStart: 0 }, caps)).toMatchObject({ cap: 'maxApprovalsPerDay', detail: expect.stringMatching(/tenant acme already had 3 approval\(s\) today; .* allows 3 a day/) });
    expect(exceedsDrift('retire', 'agent coder', { approvals: 0, retirements: 2, activeAtDayStart: 0 }, caps)).toMatchObject({ cap: 'maxRetirementsPerDay' });
    expect(exceedsDrift('retire', 'tenant acme', { approvals: 3, retirements: 1, activeAtDayStart: 0 }, caps)).toMatchObject({ cap: 'maxActiveChangesPerDay' });
  });

  it('bounds the share of the served set a day changes, once the set is big enough to have a share', () => {
    expect(exceedsDrift('approve', 'tenant acme', { approvals: 2, retirements: 0, activeAtDayStart: 4 }, caps)).toBeUndefined();
    expect(exceedsDrift('approve', 'tenant acme', { approvals: 1, retirements: 0, activeAtDayStart: 8 }, caps)).toBeUndefined();
    expect(exceedsDrift('approve', 'tenant acme', { approvals: 2, retirements: 0, activeAtDayStart: 8 }, caps)).toMatchObject({ cap: 'maxActiveShareChangedPerDay', detail: expect.stringMatching(/change 3 of the 8 lessons .* allows 25% a day/) });
  });

  it('resets at the next UTC midnight', () => {
    expect(utcDay('2026-12-01T23:59:59.000+02:00')).toEqual({ start: '2026-12-01T00:00:00.000Z', next: '2026-12-02T00:00:00.000Z' });
  });
});
