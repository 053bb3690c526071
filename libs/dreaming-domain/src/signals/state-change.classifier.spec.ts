import { authorizes, isStateChanging } from './state-change.classifier';

describe('isStateChanging', () => {
  it.each([
    ['Edit', { file_path: '/a' }, true],
    ['Write', { file_path: '/a' }, true],
    ['TodoWrite', { todos: [] }, false],
    ['Read', { file_path: '/a' }, false],
    ['Bash', { command: 'git push origin main' }, true],
    ['Bash', { command: 'cd x && rm -rf build' }, true],
    ['Bash', { command: 'npm publish --access public' }, true],
    ['Bash', { command: 'git status' }, false],
    ['Bash', { command: 'npm test' }, false],
    ['cancel_reservation', { reservation_id: 'R1' }, true],
    ['book_reservation', {}, true],
    ['update_reservation_flights', {}, true],
    ['get_reservation_details', {}, false],
    ['search_direct_flight', {}, false],
    ['deploy_service', {}, true],
  ])('%s %j → %s', (tool, input, expected) => {
    expect(isStateChanging(tool, input)).toBe(expected);
  });
});

describe('authorizes', () => {
  it.each([
    ['Yes, please go ahead.', [], true],
    ['yes', [], true],
    ['Please proceed with the cancellation', [], true],
    ['Please push the branch', ['push'], true],
    ['What would that cost?', ['cancel'], false],
    ['I want to change my flight', ['update'], false],
  ])('%s → %s', (text, verbs, expected) => {
    expect(authorizes(text, verbs)).toBe(expected);
  });
});
