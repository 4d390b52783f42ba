import { describe, expect, it } from 'vitest';
import { estimatePasswordStrength, isCommonPassword } from './password-strength';

describe('isCommonPassword', () => {
  it('finds passwords of the common list in any case, and nothing else', () => {
    for (const common of ['password', 'PassWord', 'qwerty123456', 'P030710p$e4o']) expect(isCommonPassword(common), common).toBe(true);
    for (const uncommon of ['Correct-Horse-Battery-9', 'password-licensor', '']) expect(isCommonPassword(uncommon), uncommon).toBe(false);
  });
});

describe('estimatePasswordStrength', () => {
  it('scores a passphrase 4 with nothing to say', () => {
    expect(estimatePasswordStrength('Correct-Horse-Battery-9', [])).toEqual({ score: 4, warning: null, suggestions: [] });
  });

  it('scores guessable passwords below 3, with a warning or suggestions in English, each once', () => {
    const common = estimatePasswordStrength('Password1234!', []);
    expect(common.score).toBeLessThan(3);
    expect(common.warning).toBe('This is similar to a commonly used password.');
    const words = estimatePasswordStrength('Monkey-Dragon-1!', []);
    expect(words.score).toBeLessThan(3);
    expect(words.suggestions).toEqual(['Add more words that are less common.']);
  });

  it("counts the user's own details as guessable", () => {
    const password = 'Vandermeer!2024';
    expect(estimatePasswordStrength(password, []).score).toBe(3);
    expect(estimatePasswordStrength(password, ['vandermeer@example.test', 'vandermeer']).score).toBeLessThan(3);
  });
});
