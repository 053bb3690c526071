import { x } from './jwt.verifier';
it('loads', () => { expect(typeof x[0]).toBe('function'); });
