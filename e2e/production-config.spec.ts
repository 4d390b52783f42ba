import { spawn } from 'node:child_process';
import { expect, test } from '@playwright/test';

/** Runs the production server with the given environment and returns its exit code and output. */
function startServer(env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['server.mjs'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

test('production mode without secrets refuses to start and names every missing variable', async () => {
  const { code, output } = await startServer({
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    PORT: '0',
    HOSTNAME: '127.0.0.1',
    ENCRYPTION_KEY: 'too-short',
  });
  expect(code).not.toBe(0);
  for (const name of ['AUTH_SECRET', 'LICENSE_KEY_CHECK_SECRET', 'LICENSE_SIGNING_PRIVATE_KEY', 'APP_URL']) {
    expect(output).toContain(`${name}: required in production`);
  }
  expect(output).toContain('ENCRYPTION_KEY: must be 32 bytes in base64');
  expect(output).not.toContain('listening on');
});

test('every response carries the security headers', async ({ request }) => {
  for (const path of ['/sign-in', '/api/v1/licenses/public-key', '/api/health/live']) {
    const response = await request.get(path);
    const headers = response.headers();
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['x-frame-options']).toBe('DENY');
    expect(headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(headers['permissions-policy']).toContain('camera=()');
    expect(headers['strict-transport-security']).toContain('max-age=');
    expect(headers['x-powered-by']).toBeUndefined();
  }
});
