import { AT, CAPITAL_A, charClasses, COLON, DASH, DIGIT, DOT, EQUALS, PLUS, RPAREN, UNDERSCORE } from './char-classes';

describe('charClasses', () => {
  it('sets the bit of each class present and nothing for other characters', () => {
    expect(charClasses('plain words, no signs')).toBe(0);
    expect(charClasses('a@b.c')).toBe(AT | DOT);
    expect(charClasses('x=1: (y)+z-w_A')).toBe(EQUALS | DIGIT | COLON | RPAREN | PLUS | DASH | UNDERSCORE | CAPITAL_A);
    expect(charClasses('é€😀９')).toBe(0); // full-width digits are not ASCII digits, as for \d
  });
});
