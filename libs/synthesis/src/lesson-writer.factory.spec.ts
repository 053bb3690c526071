import { createLessonWriter } from './lesson-writer.factory';
import { identityTemplateWriter } from './testing/lesson-candidates.fixture';

describe('createLessonWriter', () => {
  it('uses the template writer when no API key is configured', () => {
    expect(createLessonWriter({}, identityTemplateWriter)).toBe(identityTemplateWriter);
    expect(createLessonWriter({ ANTHROPIC_API_KEY: '  ' }, identityTemplateWriter)).toBe(identityTemplateWriter);
  });

  it('uses Claude with the configured model when a key is set', () => {
    const w = createLessonWriter({ ANTHROPIC_API_KEY: 'k', REVERIE_LLM_MODEL: 'claude-haiku-4-5' }, identityTemplateWriter);
    expect(w.name).toBe('claude:claude-haiku-4-5');
  });

  it('fails fast on a bad token budget, naming the variable', () => {
    expect(() => createLessonWriter({ ANTHROPIC_API_KEY: 'k', REVERIE_LLM_TOKEN_BUDGET: 'lots' }, identityTemplateWriter)).toThrow(
      'REVERIE_LLM_TOKEN_BUDGET must be a positive integer (tokens per dream), got "lots"',
    );
  });
});
