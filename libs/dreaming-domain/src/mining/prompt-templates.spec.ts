import { openingClause, promptTemplates } from './prompt-templates';

describe('openingClause', () => {
  it('keeps the clause a prompt opens with: fillers and greetings dropped, ids as slots, words stemmed', () => {
    expect(openingClause('start working on task #008')).toEqual(['start', 'work', 'on', 'task', '<*>']);
    expect(openingClause("Let's start working on task 009. make sure that the spec says to update the rule")).toEqual(['start', 'work', 'on', 'task', '<*>']);
    expect(openingClause('continue working on task#002, making sure to pull in latest changes from origin/main first')).toEqual(['continue', 'work', 'on', 'task', '<*>']);
    expect(openingClause('Hi there! I’m having trouble sending MMS messages from my phone.')).toEqual(["i'm", 'hav', 'trouble', 'send', 'mms', 'message', 'from', 'my', 'phone']);
    expect(openingClause('ok. 42')).toEqual([]);
  });
});

describe('promptTemplates', () => {
  const p = (text: string, agentId = 'cursor') => ({ agentId, text });

  it('gives prompts that open with the same template, whatever follows, one template', () => {
    const prompts = [
      p('start working on task #008'), p('start working on task 002'), p("let's start working on task 011. make sure the spec is updated too"),
      p('continue working on task 011'), p('what tasks are available?'), p('what tasks are available'), p('What tasks are available?'),
    ];
    expect(promptTemplates(prompts, 3)).toEqual([
      'start work on task <*>', 'start work on task <*>', 'start work on task <*>', undefined,
      'what task are available', 'what task are available', 'what task are available',
    ]);
  });

  it('keeps agents apart, and never makes a template of slots and stopwords', () => {
    expect(promptTemplates([p('start working on task 1', 'a'), p('start working on task 2', 'b'), p('start working on task 3', 'c')], 3)).toEqual([undefined, undefined, undefined]);
    expect(promptTemplates([p('fix the alpha in the beta'), p('fix the gamma in the delta'), p('fix the omega in the sigma')], 3)).toEqual([undefined, undefined, undefined]);
  });
});
