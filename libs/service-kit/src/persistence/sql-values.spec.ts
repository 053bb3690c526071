import { multiRowValues } from './sql-values';

describe('multiRowValues', () => {
  it('numbers the placeholders across rows and applies the column casts', () => {
    const { sql, params } = multiRowValues([['a', '{}'], ['b', '[]']], ['', '::jsonb']);
    expect(sql).toBe('($1, $2::jsonb), ($3, $4::jsonb)');
    expect(params).toEqual(['a', '{}', 'b', '[]']);
  });
});
