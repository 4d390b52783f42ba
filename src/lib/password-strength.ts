import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary as commonDictionary } from '@zxcvbn-ts/language-common';
import { dictionary as englishDictionary, translations } from '@zxcvbn-ts/language-en';

/**
 * zxcvbn-ts strength estimate and the common-password list. The dictionaries weigh about 1.6 MB,
 * so the browser loads this module only through a dynamic import (the password field's meter);
 * the server imports it directly.
 */

export type PasswordStrength = { score: 0 | 1 | 2 | 3 | 4; warning: string | null; suggestions: string[] };

export const COMMON_PASSWORD_PROBLEM = 'This is one of the most common passwords. Choose another.';

let estimator: ZxcvbnFactory | undefined;
let commonPasswords: Set<string> | undefined;

// Built on first use: ranking the dictionaries takes about 150 ms.
function getEstimator(): ZxcvbnFactory {
  estimator ??= new ZxcvbnFactory({
    dictionary: { ...commonDictionary, ...englishDictionary },
    graphs: adjacencyGraphs,
    translations,
  });
  return estimator;
}

export function estimatePasswordStrength(password: string, userInputs: string[]): PasswordStrength {
  const result = getEstimator().check(password, userInputs);
  // zxcvbn repeats a suggestion once per weak part of the password.
  return { score: result.score, warning: result.feedback.warning || null, suggestions: [...new Set(result.feedback.suggestions)] };
}

/** True when the password, ignoring case, is on @zxcvbn-ts/language-common's list of common passwords. */
export function isCommonPassword(password: string): boolean {
  commonPasswords ??= new Set(commonDictionary['passwords-common']);
  return commonPasswords.has(password.toLowerCase());
}
