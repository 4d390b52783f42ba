import { startBillingSchedule } from './billing/schedule';
import { getDb } from './db';
import { ConfigurationError, getEnv, isBuildPhase } from './env';
import { startSecurityOperations } from './security/schedule';

/** Validates configuration and opens the database (exiting the process when either fails), then starts the billing and security schedules. */
export async function startServerInstance(): Promise<void> {
  if (isBuildPhase()) return;
  try {
    const env = getEnv();
    if (env.secretsSource === 'generated') {
      console.warn(`Licensor: development secrets are in ${env.DATA_DIR}/secrets.json (never use them in production).`);
    }
    await getDb();
  } catch (error) {
    console.error(error instanceof ConfigurationError ? error.message : error);
    process.exit(1);
  }
  startBillingSchedule(getDb);
  startSecurityOperations(getDb);
}
