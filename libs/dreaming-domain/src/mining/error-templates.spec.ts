import { mineErrorTemplates } from './error-templates';

const m = (message: string, step = 'Bash') => ({ step, message, weight: 1 });

describe('mineErrorTemplates', () => {
  it('merges messages that differ in a token no regex treats as variable, keeping the values seen', () => {
    const t = mineErrorTemplates([m('error: pathspec proj-abc did not match any file known to git'), m('error: pathspec main did not match any file known to git'), m('error: pathspec release did not match any file known to git')]);
    const tpl = t.get('Bash\u0001error: pathspec main did not match any file known to git');
    expect(tpl?.template).toBe('error: pathspec <*> did not match any file known to git');
    expect(tpl?.parameters).toEqual([['main', 'proj-abc', 'release']]);
  });

  it('keeps apart messages of other steps, other lengths, other first words, or too many differences', () => {
    const t = mineErrorTemplates([m('user not found'), m('order not found'), m('user not found', 'Edit'), m('error: a b c not d'), m('error: e f g not h')]);
    const templates = new Set([...t.values()].map((x) => `${x.step}|${x.template}`));
    expect(templates).toEqual(new Set(['Bash|user not found', 'Bash|order not found', 'Edit|user not found', 'Bash|error: a b c not d', 'Bash|error: e f g not h']));
  });

  it('is deterministic whatever the input order', () => {
    const input = [m('undefined: Foo'), m('undefined: Bar'), m('undefined: Baz')];
    const a = [...mineErrorTemplates(input).values()].map((x) => x.template);
    const b = [...mineErrorTemplates([...input].reverse()).values()].map((x) => x.template);
    expect(a).toEqual(b);
    expect(new Set(a)).toEqual(new Set(['undefined: <*>']));
  });
});
