import { hash, verify } from '@node-rs/argon2';
import { securityPolicy } from '../security/policy';


export function hashPassword(password: string): Promise<string> {
  return hash(password, securityPolicy().password.argon2);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;

/**
 * Verifies against a throwaway hash so that an unknown email costs the same time as a wrong
 * password and timing does not reveal which accounts exist.
 */
export async function burnPasswordVerification(password: string): Promise<void> {
  dummyHash ??= hashPassword('licensor-timing-equaliser');
  await verifyPassword(await dummyHash, password);
}
