/**
 * Security limits and thresholds in one table, with the source of each default. Later features
 * add their rows here rather than scattering numbers through the code.
 */
export const SECURITY_POLICY = {
  password: {
    // OWASP Password Storage Cheat Sheet: argon2id, 19 MiB, 2 iterations, 1 lane.
    argon2: { algorithm: 2 /* Argon2id */, memoryCost: 19_456, timeCost: 2, parallelism: 1 },
  },
  session: {
    // Seed 002: 30-minute idle timeout, 12-hour absolute lifetime.
    idleTimeoutSeconds: 30 * 60,
    absoluteLifetimeSeconds: 12 * 60 * 60,
    // Revocation reaches every instance within this many seconds (session rows are re-read at most this often).
    liveCheckIntervalSeconds: 30,
  },
} as const;
