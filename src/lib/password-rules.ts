import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './schemas/auth';

/**
 * The password rules that need no dictionary, shared by the live meter in the browser and the
 * server's check (src/server/auth/password-policy.ts). The zxcvbn estimate and the common-password
 * list live in ./password-strength, which is large and loaded only where needed.
 */

/** zxcvbn scores run 0 to 4; 3 ("safely unguessable" at 10^8 guesses and more) is the least we accept. */
export const MIN_PASSWORD_STRENGTH_SCORE = 3;

/** Seed 002 / issue 4: runs and repeats of this length are refused ("abcd", "4321", "aaaa"). */
const MAX_RUN_LENGTH = 3;
/** Shorter name and email parts ("al", "jo") would refuse too many innocent passwords. */
const MIN_PERSONAL_PART_LENGTH = 3;

export type PasswordContext = {
  email?: string | null;
  name?: string | null;
  /** Upper, lower, digit and symbol (seed 002); configurable on the server. */
  requireCharacterClasses: boolean;
};

const CHARACTER_CLASSES = [
  { pattern: /\p{Lu}/u, problem: 'Add an uppercase letter.' },
  { pattern: /\p{Ll}/u, problem: 'Add a lowercase letter.' },
  { pattern: /\p{Nd}/u, problem: 'Add a digit.' },
  // Anything that is neither a letter nor a digit, spaces included, so passphrases qualify.
  { pattern: /[^\p{L}\p{N}]/u, problem: 'Add a symbol (any character other than a letter or digit).' },
] as const;

/** The user's own details, for zxcvbn to penalise and for the rules below to refuse. */
export function passwordUserInputs({ email, name }: Pick<PasswordContext, 'email' | 'name'>): string[] {
  const normalisedEmail = email?.trim().toLowerCase() ?? '';
  const localPart = normalisedEmail.split('@')[0] ?? '';
  return [normalisedEmail, localPart, ...nameParts(name)].filter((input) => input.length >= MIN_PERSONAL_PART_LENGTH);
}

function nameParts(name: string | null | undefined): string[] {
  return (name ?? '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((part) => part.length >= MIN_PERSONAL_PART_LENGTH);
}

function sequenceKind(character: string): 'letter' | 'digit' | null {
  if (character >= 'a' && character <= 'z') return 'letter';
  if (character >= '0' && character <= '9') return 'digit';
  return null;
}

/** True when 4 or more letters or digits follow each other in alphabetical or numeric order, either way. */
function hasSequence(password: string): boolean {
  const characters = password.toLowerCase();
  let runLength = 1;
  let step = 0;
  for (let index = 1; index < characters.length; index++) {
    const previous = characters[index - 1]!;
    const current = characters[index]!;
    const difference = current.charCodeAt(0) - previous.charCodeAt(0);
    const kind = sequenceKind(previous);
    if (kind !== null && kind === sequenceKind(current) && Math.abs(difference) === 1) {
      runLength = difference === step ? runLength + 1 : 2;
      step = difference;
    } else {
      runLength = 1;
      step = 0;
    }
    if (runLength > MAX_RUN_LENGTH) return true;
  }
  return false;
}

const REPEATED_CHARACTER = new RegExp(`(.)\\1{${MAX_RUN_LENGTH},}`, 'su');

/**
 * The problems the local rules find, as sentences to show the user; empty when the password
 * passes them. Messages never quote the password.
 */
export function passwordProblems(password: string, { email, name, requireCharacterClasses }: PasswordContext): string[] {
  const problems: string[] = [];
  if (password.length < PASSWORD_MIN_LENGTH) problems.push(`Use at least ${PASSWORD_MIN_LENGTH} characters.`);
  if (password.length > PASSWORD_MAX_LENGTH) problems.push(`Use at most ${PASSWORD_MAX_LENGTH} characters.`);
  if (requireCharacterClasses) {
    for (const characterClass of CHARACTER_CLASSES) {
      if (!characterClass.pattern.test(password)) problems.push(characterClass.problem);
    }
  }
  if (hasSequence(password)) problems.push('Avoid 4 or more letters or digits in order, such as "abcd" or "4321".');
  const lowered = password.toLowerCase();
  if (REPEATED_CHARACTER.test(lowered)) problems.push('Avoid repeating a character 4 or more times, such as "aaaa".');

  const normalisedEmail = email?.trim().toLowerCase() ?? '';
  const localPart = normalisedEmail.split('@')[0] ?? '';
  if (normalisedEmail && lowered.includes(normalisedEmail)) problems.push('Leave out your email address.');
  else if (localPart.length >= MIN_PERSONAL_PART_LENGTH && lowered.includes(localPart)) {
    problems.push('Leave out the part of your email address before the @.');
  }
  if (nameParts(name).some((part) => lowered.includes(part))) problems.push('Leave out your name.');
  return problems;
}

// Look-alikes (I, l, 1, O, 0) left out so a generated password can be read and typed back.
const GENERATOR_ALPHABETS = [
  'ABCDEFGHJKLMNPQRSTUVWXYZ',
  'abcdefghijkmnopqrstuvwxyz',
  '23456789',
  '!#$%&*+-=?@^_~',
] as const;
const GENERATOR_ALPHABET = GENERATOR_ALPHABETS.join('');

/** A uniform index below `size` from the platform's CSPRNG, without modulo bias. */
function randomIndex(size: number): number {
  const limit = Math.floor(0x1_0000_0000 / size) * size;
  const word = new Uint32Array(1);
  for (;;) {
    globalThis.crypto.getRandomValues(word);
    if (word[0]! < limit) return word[0]! % size;
  }
}

/**
 * A random password with at least one character of every class that passes the local rules.
 * Uses Web Crypto, so it runs the same in the browser and on the server.
 */
export function generateStrongPassword(length = 20): string {
  if (!Number.isInteger(length) || length < PASSWORD_MIN_LENGTH || length > PASSWORD_MAX_LENGTH) {
    throw new RangeError(`A generated password has ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters.`);
  }
  for (;;) {
    const characters = GENERATOR_ALPHABETS.map((alphabet) => alphabet[randomIndex(alphabet.length)]!);
    while (characters.length < length) characters.push(GENERATOR_ALPHABET[randomIndex(GENERATOR_ALPHABET.length)]!);
    // Fisher-Yates, so the guaranteed characters are not always first.
    for (let index = characters.length - 1; index > 0; index--) {
      const other = randomIndex(index + 1);
      [characters[index], characters[other]] = [characters[other]!, characters[index]!];
    }
    const candidate = characters.join('');
    // A chance run such as "mnop" or "7777" is refused like a typed one: draw again.
    if (passwordProblems(candidate, { requireCharacterClasses: true }).length === 0) return candidate;
  }
}
