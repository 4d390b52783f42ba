import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { LicenseSummary } from './types';

/**
 * The last successful validation, kept on disk so that a panel keeps working while the server
 * is unreachable. Nothing here is trusted on its own: the token's signature and claims decide
 * (see LicensorClient), the rest is what the panel shows.
 */
export type OfflineCacheEntry = {
  version: 1;
  token: string;
  license: LicenseSummary;
  nextCheckAt: string;
  fingerprint: string;
  /** The token's `iss`, so that a token from another server is not accepted later. */
  issuer: string;
};

function isCacheEntry(value: unknown): value is OfflineCacheEntry {
  if (typeof value !== 'object' || value === null) return false;
  const entry = value as Record<string, unknown>;
  const license = entry.license as Record<string, unknown> | null | undefined;
  return (
    entry.version === 1 &&
    typeof entry.token === 'string' &&
    typeof entry.nextCheckAt === 'string' &&
    typeof entry.fingerprint === 'string' &&
    typeof entry.issuer === 'string' &&
    typeof license === 'object' &&
    license !== null &&
    typeof license.id === 'string'
  );
}

/** The cached entry, or null when there is none or it is unreadable or malformed. */
export async function readOfflineCache(file: string): Promise<OfflineCacheEntry | null> {
  try {
    const value: unknown = JSON.parse(await readFile(file, 'utf8'));
    return isCacheEntry(value) ? value : null;
  } catch {
    return null;
  }
}

/**
 * Written to a private temporary file and renamed over the cache, so that a reader never sees a
 * half-written file and the token is never readable by other users (mode 0600).
 */
export async function writeOfflineCache(file: string, entry: OfflineCacheEntry): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, JSON.stringify(entry), { mode: 0o600, flag: 'wx' });
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

export async function removeOfflineCache(file: string): Promise<void> {
  await rm(file, { force: true });
}
