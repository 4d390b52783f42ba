import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateStrongPassword, passwordProblems, passwordUserInputs, type PasswordContext } from './password-rules';

const withClasses: PasswordContext = { requireCharacterClasses: true };
const STRONG = 'Correct-Horse-Battery-9';

const problemsOf = (password: string, context: Partial<PasswordContext> = {}) => passwordProblems(password, { ...withClasses, ...context });

describe('passwordProblems', () => {
  it('accepts a password that breaks no rule', () => {
    expect(problemsOf(STRONG, { email: 'ada@example.test', name: 'Ada Lovelace' })).toEqual([]);
  });

  it('refuses fewer than 12 and more than 128 characters', () => {
    expect(problemsOf('Correct-Ho9')).toEqual(['Use at least 12 characters.']);
    expect(problemsOf('Correct-Hor9')).toEqual([]);
    expect(problemsOf('Aa1!'.repeat(32))).toEqual([]);
    expect(problemsOf(`${'Aa1!'.repeat(32)}x`)).toEqual(['Use at most 128 characters.']);
  });

  it('asks for each missing character class when classes are required, and for none when they are not', () => {
    expect(problemsOf('correct-horse-battery-9')).toEqual(['Add an uppercase letter.']);
    expect(problemsOf('CORRECT-HORSE-BATTERY-9')).toEqual(['Add a lowercase letter.']);
    expect(problemsOf('Correct-Horse-Battery-Nine')).toEqual(['Add a digit.']);
    expect(problemsOf('CorrectHorseBattery9')).toEqual(['Add a symbol (any character other than a letter or digit).']);
    expect(problemsOf('correct horse battery staple')).toHaveLength(2);
    expect(problemsOf('correct horse battery staple', { requireCharacterClasses: false })).toEqual([]);
    // A space counts as a symbol, so passphrases qualify.
    expect(problemsOf('Correct horse battery 9')).toEqual([]);
  });

  it('refuses 4 or more letters or digits in order, either way and in any case', () => {
    for (const sequence of ['abcd', 'DCBA', 'wxyz', 'aBcD', '1234', '4321', '6789', 'lmnopq']) {
      expect(problemsOf(`Horse-${sequence}-Battery-9`), sequence).toEqual(['Avoid 4 or more letters or digits in order, such as "abcd" or "4321".']);
    }
    // Three in order, gaps, a change of direction, and runs that leave the letters or digits.
    for (const nearMiss of ['abc', 'ab-cd', 'abce', 'abcb', '1357', '789:', 'xyz{', '12ab']) {
      expect(problemsOf(`Horse-${nearMiss}-Battery-9`), nearMiss).toEqual([]);
    }
  });

  it('refuses a character repeated 4 or more times, in any case', () => {
    for (const repeat of ['aaaa', 'AaAa', '1111', '!!!!', '     ']) {
      expect(problemsOf(`Horse-${repeat}-Battery-9`), repeat).toEqual(['Avoid repeating a character 4 or more times, such as "aaaa".']);
    }
    for (const nearMiss of ['aaa', 'aa-aa', '111']) {
      expect(problemsOf(`Horse-${nearMiss}-Battery-9`), nearMiss).toEqual([]);
    }
  });

  it('refuses the email address, in any case, once', () => {
    expect(problemsOf('Battery-9-Ada.Lovelace@Example.test', { email: 'ada.lovelace@example.test' })).toEqual(['Leave out your email address.']);
    expect(problemsOf(STRONG, { email: 'ada.lovelace@example.test' })).toEqual([]);
  });

  it('refuses the part of the email before the @ when it has 3 or more characters', () => {
    const refusal = ['Leave out the part of your email address before the @.'];
    expect(problemsOf('Battery-9-ADA.LOVELACE', { email: ' Ada.Lovelace@example.test ' })).toEqual(refusal);
    expect(problemsOf('Battery-9-ada-Horse', { email: 'ada@example.test' })).toEqual(refusal);
    expect(problemsOf('Battery-9-al-Horse', { email: 'al@example.test' })).toEqual([]);
  });

  it('refuses any part of the name with 3 or more characters, in any case', () => {
    const refusal = ['Leave out your name.'];
    expect(problemsOf('LOVELACE-Battery-9', { name: 'Ada Lovelace' })).toEqual(refusal);
    expect(problemsOf('Horse-ada-Battery-9', { name: 'Ada Lovelace' })).toEqual(refusal);
    expect(problemsOf('Horse-Byron-Battery-9', { name: 'Ada King-Byron' })).toEqual(refusal);
    expect(problemsOf('Al-Bo-Horse-Battery-9', { name: 'Al Bo' })).toEqual([]);
  });

  it('reports every problem at once', () => {
    expect(problemsOf('aaaa')).toEqual([
      'Use at least 12 characters.',
      'Add an uppercase letter.',
      'Add a digit.',
      'Add a symbol (any character other than a letter or digit).',
      'Avoid repeating a character 4 or more times, such as "aaaa".',
    ]);
  });
});

describe('passwordUserInputs', () => {
  it('gives zxcvbn the email, its local part and the name parts of 3 or more characters', () => {
    expect(passwordUserInputs({ email: ' Ada.Lovelace@Example.test ', name: 'Ada Al Lovelace' })).toEqual([
      'ada.lovelace@example.test',
      'ada.lovelace',
      'ada',
      'lovelace',
    ]);
    expect(passwordUserInputs({})).toEqual([]);
  });
});

describe('generateStrongPassword', () => {
  it('gives 20 characters by default, different each time', () => {
    const first = generateStrongPassword();
    expect(first).toHaveLength(20);
    expect(generateStrongPassword()).not.toBe(first);
  });

  it('always passes the local rules, with every character class, at any allowed length', () => {
    fc.assert(
      fc.property(fc.integer({ min: 12, max: 128 }), (length) => {
        const password = generateStrongPassword(length);
        expect(password).toHaveLength(length);
        expect(password).toMatch(/[A-Z]/);
        expect(password).toMatch(/[a-z]/);
        expect(password).toMatch(/[0-9]/);
        expect(password).toMatch(/[^A-Za-z0-9]/);
        expect(passwordProblems(password, withClasses)).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });

  it('refuses lengths outside the policy', () => {
    expect(() => generateStrongPassword(11)).toThrow(RangeError);
    expect(() => generateStrongPassword(129)).toThrow(RangeError);
  });
});
