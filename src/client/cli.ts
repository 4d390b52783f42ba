/**
 * The panel client on the command line: `npm run client -- <command> [options]`; `--help` lists
 * the commands. Prints JSON on stdout. Exit codes: 0 done (validate: the license is valid),
 * 1 not valid, refused, unreachable or an untrusted answer, 2 bad usage.
 */
import type { JsonWebKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { fetchPublicKeyDocument, LicensorApiError, LicensorClient, LicensorResponseError, LicensorUnreachableError } from './index';

const INVOCATION = 'npm run client --';

class UsageError extends Error {}

type OptionSpec = { value: string; help: string };
type Values = Record<string, string | undefined>;
type Command = { summary: string; options: string[]; run(values: Values): Promise<{ output: unknown; success: boolean }> };

const OPTIONS: Record<string, OptionSpec> = {
  url: { value: '<url>', help: 'Licensor base URL, with its path prefix if any (or LICENSOR_URL).' },
  key: { value: '<license key>', help: 'The license key (or LICENSOR_LICENSE_KEY).' },
  secret: {
    value: '<signing secret>',
    help: 'The 43-character signing secret (or LICENSOR_SIGNING_SECRET, which other users cannot see in the process list).',
  },
  'public-key': {
    value: '<file>',
    help: "The server's public key: a PEM, a JWK or the public-key command's output (or LICENSOR_PUBLIC_KEY_FILE); fetched from the server when absent.",
  },
  fingerprint: { value: '<fingerprint>', help: "This machine's fingerprint; by default one derived from the machine id, host name and CPU." },
  feature: { value: '<feature>', help: 'Also check that the license includes this feature.' },
  hostname: { value: '<name>', help: 'Host name to report.' },
  version: { value: '<version>', help: 'Panel version to report.' },
  platform: { value: '<platform>', help: 'Platform to report.' },
  cache: { value: '<file>', help: 'Offline token cache: written on success, read when the server cannot be reached.' },
  timeout: { value: '<ms>', help: 'Per-request timeout in milliseconds (default 10000).' },
};

const CONNECTION = ['url', 'key', 'secret', 'public-key', 'timeout'];

function timeoutOf(values: Values): number | undefined {
  if (values.timeout === undefined) return undefined;
  if (!/^[1-9]\d{0,6}$/.test(values.timeout)) throw new UsageError(`--timeout: expected milliseconds, got "${values.timeout}"`);
  return Number(values.timeout);
}

function required(values: Values, option: string, environmentName?: string): string {
  const value = values[option] ?? (environmentName ? process.env[environmentName] : undefined);
  if (value === undefined || value === '') {
    throw new UsageError(`--${option} is required${environmentName ? ` (or set ${environmentName})` : ''}`);
  }
  return value;
}

/** A PEM file, a JWK file, or the JSON document the public-key command prints. */
function readPublicKey(file: string): string | JsonWebKey {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`--public-key: cannot read ${file}: ${(error as Error).message}`);
  }
  if (!text.trimStart().startsWith('{')) return text;
  try {
    const parsed = JSON.parse(text) as { publicKeyPem?: unknown } & JsonWebKey;
    return typeof parsed.publicKeyPem === 'string' ? parsed.publicKeyPem : parsed;
  } catch {
    throw new UsageError(`--public-key: ${file} is neither a PEM nor JSON`);
  }
}

function clientFor(values: Values): LicensorClient {
  const publicKeyFile = values['public-key'] ?? process.env.LICENSOR_PUBLIC_KEY_FILE;
  try {
    return new LicensorClient({
      baseUrl: required(values, 'url', 'LICENSOR_URL'),
      licenseKey: required(values, 'key', 'LICENSOR_LICENSE_KEY'),
      signingSecret: required(values, 'secret', 'LICENSOR_SIGNING_SECRET'),
      publicKey: publicKeyFile ? readPublicKey(publicKeyFile) : undefined,
      cacheFile: values.cache,
      timeoutMs: timeoutOf(values),
    });
  } catch (error) {
    // The constructor's TypeErrors describe a bad URL, key, secret or public key.
    if (error instanceof TypeError) throw new UsageError(error.message);
    throw error;
  }
}

const fingerprintOf = (values: Values) => values.fingerprint ?? LicensorClient.machineFingerprint();

const commands: Record<string, Command> = {
  validate: {
    summary: 'Validate the license for this machine (exit code 0 only when it is valid).',
    options: [...CONNECTION, 'fingerprint', 'feature', 'hostname', 'version', 'cache'],
    async run(values) {
      const result = await clientFor(values).validate({
        fingerprint: fingerprintOf(values),
        feature: values.feature,
        hostname: values.hostname,
        version: values.version,
      });
      return { output: result, success: result.valid };
    },
  },
  activate: {
    summary: 'Activate this machine on the license.',
    options: [...CONNECTION, 'fingerprint', 'hostname', 'platform'],
    async run(values) {
      const output = await clientFor(values).activate({ fingerprint: fingerprintOf(values), hostname: values.hostname, platform: values.platform });
      return { output, success: true };
    },
  },
  deactivate: {
    summary: "Deactivate this machine, freeing its seat (and dropping the cached token if it is this machine's).",
    options: [...CONNECTION, 'fingerprint', 'cache'],
    async run(values) {
      return { output: await clientFor(values).deactivate({ fingerprint: fingerprintOf(values) }), success: true };
    },
  },
  'public-key': {
    summary: "Print the server's public key document (save it and pass it as --public-key to pin the key).",
    options: ['url', 'timeout'],
    async run(values) {
      const output = await fetchPublicKeyDocument(required(values, 'url', 'LICENSOR_URL'), { timeoutMs: timeoutOf(values) });
      return { output, success: true };
    },
  },
};

function usage(): string {
  const width = Math.max(...Object.keys(commands).map((name) => name.length)) + 3;
  return [
    `Usage: ${INVOCATION} <command> [options]`,
    '',
    'Commands:',
    ...Object.entries(commands).map(([name, command]) => `  ${name.padEnd(width)}${command.summary}`),
    '',
    `Run \`${INVOCATION} <command> --help\` for a command's options.`,
  ].join('\n');
}

function commandUsage(name: string, command: Command): string {
  const rows = command.options.map((option) => [`--${option} ${OPTIONS[option]!.value}`, OPTIONS[option]!.help]);
  const width = Math.max(...rows.map(([left]) => left!.length)) + 3;
  return [`Usage: ${INVOCATION} ${name} [options]`, '', command.summary, '', 'Options:', ...rows.map(([left, right]) => `  ${left!.padEnd(width)}${right}`)].join(
    '\n',
  );
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return 0;
  }
  const command = name === undefined ? undefined : commands[name];
  if (!command) {
    console.error(`${name === undefined ? 'No command given.' : `Unknown command "${name}".`}\n\n${usage()}`);
    return 2;
  }
  try {
    const { values } = parseArgs({
      args,
      options: { ...Object.fromEntries(command.options.map((option) => [option, { type: 'string' as const }])), help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    });
    if (values.help) {
      console.log(commandUsage(name!, command));
      return 0;
    }
    const { output, success } = await command.run(values as Values);
    console.log(JSON.stringify(output, null, 2));
    return success ? 0 : 1;
  } catch (error) {
    // parseArgs reports unknown options and missing values with codes starting ERR_PARSE_ARGS.
    const parseProblem = error instanceof Error && String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS');
    if (error instanceof UsageError || parseProblem) {
      console.error(`${(error as Error).message}\n\nRun \`${INVOCATION} ${name} --help\` for the options.`);
      return 2;
    }
    if (error instanceof LicensorApiError) {
      console.log(JSON.stringify({ status: error.status, error: error.error, message: error.message, retryAfterSeconds: error.retryAfterSeconds }, null, 2));
      return 1;
    }
    if (error instanceof LicensorResponseError || error instanceof LicensorUnreachableError) {
      const code = error instanceof LicensorResponseError ? `UNTRUSTED_RESPONSE_${error.reason}` : 'UNREACHABLE';
      console.log(JSON.stringify({ error: code, message: error.message }, null, 2));
      return 1;
    }
    throw error;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('The command failed:', error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
