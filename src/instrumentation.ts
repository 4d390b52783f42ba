/**
 * Runs once when a server instance starts: refuses to start on a bad configuration (listing
 * every problem) and opens the database, which applies migrations to the embedded PGlite.
 */
export async function register() {
  // Next inlines NEXT_RUNTIME per bundle; the Node-only modules below must not reach the edge bundle.
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { startServerInstance } = await import('./server/startup');
  await startServerInstance();
}
