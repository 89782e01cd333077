import argon2 from 'argon2';

/** OWASP's recommended argon2id parameters (19 MiB, 2 passes, 1 lane). */
const PARAMS = { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, PARAMS);
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    // A malformed stored hash must read as a wrong password, never as a server error.
    return false;
  }
}

let dummyHash: Promise<string> | null = null;

/**
 * Verifies against a throwaway hash, so that a login with an unknown email costs the same time
 * as one with a wrong password: response times do not reveal which addresses have an account.
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummyHash ??= hashPassword('guichet-dummy-password-for-timing');
  await verifyPassword(await dummyHash, password);
  return false;
}
