import { changesState } from './step-effects';

describe('changesState', () => {
  it('knows the writes of the shared classifier, and the resumes, grants and refuels it does not list', () => {
    for (const step of ['cancel_pending_order', 'send_payment_request', 'Bash(git push)', 'resume_line', 'enable_roaming', 'grant_app_permission', 'refuel_data']) expect(changesState(step)).toBe(true);
    for (const step of ['get_order_details', 'check_sim_status', 'find_user_id_by_email', 'Bash(git status)', 'Bash(minsky tasks)', 'run_speed_test']) expect(changesState(step)).toBe(false);
  });
});
