import type { Db, DbOrTx } from '../db';
import { Prisma } from '../db';
import { securityPolicy } from '../security/policy';

/** One row of the validation log: every validate/activate/deactivate attempt, whatever its outcome. */
export type Attempt = {
  kind: 'validate' | 'activate' | 'deactivate';
  success: boolean;
  code: string;
  ip: string;
  userAgent: string | null;
  fingerprint: string | null;
  feature: string | null;
  signature: string | null;
  createdAt: Date;
};

/**
 * Records an attempt on a license and its counters in one statement. With a nonce it is also the
 * replay guard: the unique (license, nonce) index makes the insert a no-op for a nonce already
 * consumed, and `inserted` is false. `machineId` refreshes that machine's last-seen time.
 */
export async function recordLicenseAttempt(
  db: DbOrTx,
  input: Attempt & { licenseId: string; nonce: string | null; machineId?: string | null; pending?: boolean },
): Promise<{ inserted: boolean; attemptId: bigint | null }> {
  const failed = input.success ? 0 : 1;
  // A pending attempt only consumes its nonce; settleLicenseAttempt counts it once its outcome is known.
  const counted = !input.pending;
  const rows = await db.$queryRaw<{ id: bigint | null }[]>`
    WITH attempt AS (
      INSERT INTO "LicenseValidation" ("licenseId", "kind", "success", "code", "ip", "userAgent", "fingerprint", "feature", "nonce", "signature", "createdAt")
      VALUES (${input.licenseId}, ${input.kind}, ${input.success}, ${input.code}, ${input.ip}, ${input.userAgent}, ${input.fingerprint}, ${input.feature}, ${input.nonce}, ${input.signature}, ${input.createdAt})
      ON CONFLICT ("licenseId", "nonce") DO NOTHING
      RETURNING "id"
    ), counters AS (
      UPDATE "License"
      SET "validationCount" = "validationCount" + 1,
          "failedValidationCount" = "failedValidationCount" + ${failed},
          "lastValidatedAt" = ${input.createdAt},
          "lastValidationIp" = ${input.ip}
      WHERE "id" = ${input.licenseId} AND ${counted} AND EXISTS (SELECT 1 FROM attempt)
    ), seen AS (
      UPDATE "Machine" SET "lastSeenAt" = ${input.createdAt}
      WHERE "id" = ${input.machineId ?? null} AND EXISTS (SELECT 1 FROM attempt)
    )
    SELECT (SELECT "id" FROM attempt) AS "id"`;
  const id = rows[0]?.id ?? null;
  return { inserted: id !== null, attemptId: id };
}

/** Sets the outcome of an attempt whose nonce was consumed before the outcome was known. */
export async function settleLicenseAttempt(db: DbOrTx, input: { attemptId: bigint; licenseId: string; success: boolean; code: string; createdAt: Date; ip: string }) {
  await db.$executeRaw`
    WITH settled AS (
      UPDATE "LicenseValidation" SET "success" = ${input.success}, "code" = ${input.code} WHERE "id" = ${input.attemptId} RETURNING "id"
    )
    UPDATE "License"
    SET "validationCount" = "validationCount" + 1,
        "failedValidationCount" = "failedValidationCount" + ${input.success ? 0 : 1},
        "lastValidatedAt" = ${input.createdAt},
        "lastValidationIp" = ${input.ip}
    WHERE "id" = ${input.licenseId} AND EXISTS (SELECT 1 FROM settled)`;
}

/**
 * Attempts without a license (unknown keys, malformed or refused requests) are buffered and
 * written in batches, so guessing keys costs the server no write per request.
 */
class UnattributedAttemptLog {
  private buffer: Prisma.LicenseValidationCreateManyInput[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly getDb: () => Promise<Db>) {}

  add(attempt: Attempt): void {
    const { attemptLogMaxBatch, attemptLogFlushMs } = securityPolicy().licenseApi;
    this.buffer.push({ ...attempt, licenseId: null, nonce: null });
    if (this.buffer.length >= attemptLogMaxBatch) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), attemptLogFlushMs).unref();
  }

  /** Writes what is buffered; resolves when every earlier batch is written. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.buffer;
    this.buffer = [];
    this.flushing = this.flushing.then(async () => {
      if (batch.length === 0) return;
      try {
        await (await this.getDb()).licenseValidation.createMany({ data: batch });
      } catch (error) {
        console.error(`License API: ${batch.length} unattributed attempt(s) could not be logged:`, error instanceof Error ? error.message : error);
      }
    });
    return this.flushing;
  }
}

let unattributed: UnattributedAttemptLog | null = null;

export function unattributedAttemptLog(getDb: () => Promise<Db>): UnattributedAttemptLog {
  unattributed ??= new UnattributedAttemptLog(getDb);
  return unattributed;
}
