/**
 * The admin command line: `npm run cli -- <command> [options]`; `--help` lists the commands.
 * Commands call the same domain functions as the app, audited with the actor `cli`, and print
 * JSON on stdout. Exit codes: 0 done, 1 refused or failed (message on stderr), 2 bad usage.
 */
import { readFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { z } from 'zod';
import { API_KEY_EXPIRY_CHOICES, CreateApiKeyInput, CUSTOMER_API_KEY_SCOPES } from '../src/lib/schemas/apikeys';
import { SetupInput } from '../src/lib/schemas/auth';
import { CreateCustomerInput, CreatePlanInput, CreateProductInput, Id, IssueLicenseInput } from '../src/lib/schemas/licensing';
import { apiKeyPrefix, createApiKey, type ApiKeyOwner } from '../src/server/apikeys';
import type { AuditActor } from '../src/server/audit';
import { createUser } from '../src/server/auth';
import { disconnectDb, getDb } from '../src/server/db';
import { ConfigurationError } from '../src/server/env';
import { AppError } from '../src/server/errors';
import { createCustomer, createPlan, createProduct, issueLicense } from '../src/server/licensing';
import { publicKeyDocument, serverSigningKey } from '../src/server/licensing/signing';
import {
  applyAuditRetention,
  CheckpointExport,
  checkpointsFromExport,
  exportCheckpoints,
  parsePublicKey,
  verifyAuditIntegrity,
  verifyCheckpointsAgainstTable,
} from '../src/server/audit';

const cliActor: AuditActor = { type: 'cli' };
const INVOCATION = 'npm run cli --';

/** Bad usage: exit code 2, with a pointer to the command's help. */
class UsageError extends Error {}

type OptionSpec = {
  type: 'string' | 'boolean';
  help: string;
  /** Shown after the flag in the help, e.g. `<email>`. */
  value?: string;
  required?: boolean;
  multiple?: boolean;
  /** The schema field the option feeds, when it is not the camel-cased option name. */
  field?: string;
};
type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;
type Command = { summary: string; options: Record<string, OptionSpec>; run(values: Values): Promise<unknown> };

const camelCase = (name: string) => name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());

/** Parses with a shared schema; a problem names the command-line flag it came from. */
function validate<Schema extends z.ZodType>(schema: Schema, input: unknown, command: Command): z.output<Schema> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const [field, ...rest] = issue.path;
    const flag = Object.entries(command.options).find(([name, spec]) => (spec.field ?? camelCase(name)) === field)?.[0];
    const where = flag ? [`--${flag}`, ...rest.filter((part) => typeof part === 'string')].join(' ') : issue.path.join('.');
    return `${where}: ${issue.message}`;
  });
  throw new UsageError(lines.join('\n'));
}

function wholeNumber(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,15}$/.test(value)) throw new UsageError(`--${flag}: expected a whole number, got "${value}"`);
  return Number(value);
}

function quotas(values: string[] | undefined): Record<string, number> {
  return Object.fromEntries(
    (values ?? []).map((entry) => {
      const match = /^([^=]+)=(\d{1,15})$/.exec(entry);
      if (!match) throw new UsageError(`--quota: expected <feature>=<units per month>, got "${entry}"`);
      return [match[1]!, Number(match[2])];
    }),
  );
}

function date(value: string | undefined, flag: string): Date | undefined {
  if (value === undefined) return undefined;
  const parsed = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(parsed.getTime())) {
    throw new UsageError(`--${flag}: expected an ISO 8601 date such as 2027-01-31 or 2027-01-31T12:00:00Z, got "${value}"`);
  }
  return parsed;
}

const commands: Record<string, Command> = {
  'admin:create': {
    summary: 'Create an administrator (also completes first-run setup).',
    options: {
      email: { type: 'string', value: '<email>', required: true, help: 'Sign-in email address.' },
      password: {
        type: 'string',
        value: '<password>',
        required: true,
        help: 'At least 12 characters. It stays in your shell history: change it after the first sign-in.',
      },
      name: { type: 'string', value: '<name>', help: 'Display name (default "Administrator").' },
    },
    async run(values) {
      const input = validate(SetupInput, { name: values.name ?? 'Administrator', email: values.email, password: values.password }, commands['admin:create']!);
      const user = await createUser(await getDb(), { ...input, role: 'ADMIN' }, cliActor);
      return { id: user.id, email: user.email, role: user.role };
    },
  },

  'product:create': {
    summary: 'Create a product: what is licensed, and the prefix of its license keys.',
    options: {
      name: { type: 'string', value: '<name>', required: true, help: 'Product name.' },
      slug: { type: 'string', value: '<slug>', required: true, help: 'Unique identifier: lower-case letters, digits and dashes.' },
      'key-prefix': { type: 'string', value: '<letters>', help: 'License key prefix, 2 to 8 letters (default LK).' },
      description: { type: 'string', value: '<text>', help: 'Optional description.' },
    },
    async run(values) {
      const input = validate(
        CreateProductInput,
        { name: values.name, slug: values.slug, keyPrefix: values['key-prefix'], description: values.description },
        commands['product:create']!,
      );
      const product = await createProduct(await getDb(), input, cliActor);
      return { id: product.id, name: product.name, slug: product.slug, keyPrefix: product.keyPrefix };
    },
  },

  'plan:create': {
    summary: "Create a plan: the license policy of a product's licenses.",
    options: {
      product: { type: 'string', value: '<id|slug>', required: true, field: 'productId', help: 'The product, by id or slug.' },
      name: { type: 'string', value: '<name>', required: true, help: 'Plan name, unique within the product.' },
      'duration-days': { type: 'string', value: '<days>', help: 'License lifetime in days; omit it for perpetual licenses.' },
      'max-machines': { type: 'string', value: '<count>', help: 'Machines per license; omit it for unlimited.' },
      feature: { type: 'string', value: '<name>', multiple: true, field: 'features', help: 'A feature the licenses are entitled to.' },
      quota: { type: 'string', value: '<feature>=<units>', multiple: true, field: 'quotas', help: 'Usage units per calendar month (UTC) for one of the features.' },
      'manual-activation': { type: 'boolean', field: 'autoActivate', help: 'New machines must call activate first (default: auto-activate on validate).' },
      'allow-flagged': { type: 'boolean', field: 'blockFlagged', help: 'Keep validating licenses flagged as suspicious (default: refuse them).' },
      'auto-suspend': { type: 'boolean', field: 'autoSuspendOnAnomaly', help: 'Suspend a license automatically when anomaly detection flags it.' },
      'price-cents': { type: 'string', value: '<cents>', help: 'Price per billing interval in the smallest currency unit.' },
      currency: { type: 'string', value: '<code>', help: 'ISO 4217 currency code (default usd).' },
    },
    async run(values) {
      const db = await getDb();
      const productRef = values.product as string;
      const product = Id.safeParse(productRef).success
        ? { id: productRef }
        : await db.product.findUnique({ where: { slug: productRef.trim().toLowerCase() }, select: { id: true } });
      if (!product) throw new AppError('NOT_FOUND', `No product has the id or slug "${productRef}".`);
      const input = validate(
        CreatePlanInput,
        {
          productId: product.id,
          name: values.name,
          durationDays: wholeNumber(values['duration-days'] as string | undefined, 'duration-days') ?? null,
          maxMachines: wholeNumber(values['max-machines'] as string | undefined, 'max-machines') ?? null,
          features: values.feature ?? [],
          quotas: quotas(values.quota as string[] | undefined),
          autoActivate: !values['manual-activation'],
          blockFlagged: !values['allow-flagged'],
          autoSuspendOnAnomaly: Boolean(values['auto-suspend']),
          priceCents: wholeNumber(values['price-cents'] as string | undefined, 'price-cents') ?? null,
          currency: values.currency,
        },
        commands['plan:create']!,
      );
      const plan = await createPlan(db, input, cliActor);
      return {
        id: plan.id,
        productId: plan.productId,
        name: plan.name,
        durationDays: plan.durationDays,
        maxMachines: plan.maxMachines,
        features: plan.features,
        quotas: plan.quotas,
      };
    },
  },

  'customer:create': {
    summary: 'Create a customer organisation.',
    options: {
      name: { type: 'string', value: '<name>', required: true, help: 'Organisation name.' },
      email: { type: 'string', value: '<email>', required: true, help: 'Billing contact email.' },
      reseller: { type: 'string', value: '<user id>', field: 'resellerId', help: 'The reseller user that owns the customer.' },
    },
    async run(values) {
      const input = validate(
        CreateCustomerInput,
        { name: values.name, email: values.email, resellerId: values.reseller ?? null },
        commands['customer:create']!,
      );
      const customer = await createCustomer(await getDb(), input, cliActor);
      return { id: customer.id, name: customer.name, email: customer.email, resellerId: customer.resellerId };
    },
  },

  'license:issue': {
    summary: 'Issue a license; prints its key and signing secret, which are shown this once only.',
    options: {
      customer: { type: 'string', value: '<id>', required: true, field: 'customerId', help: 'The customer that receives the license.' },
      plan: { type: 'string', value: '<id>', required: true, field: 'planId', help: 'The plan whose policy the license copies.' },
      'expires-at': { type: 'string', value: '<date>', help: "Expiry (ISO 8601); default: the plan's duration from now." },
    },
    async run(values) {
      const input = validate(
        IssueLicenseInput,
        { customerId: values.customer, planId: values.plan, expiresAt: date(values['expires-at'] as string | undefined, 'expires-at') },
        commands['license:issue']!,
      );
      const { license, licenseKey, signingSecret } = await issueLicense(await getDb(), { ...input, issuedVia: 'CLI' }, cliActor);
      return { id: license.id, licenseKey, signingSecret, expiresAt: license.expiresAt };
    },
  },

  'apikey:create': {
    summary: "Create an API key for a customer's scripts (or, with --admin, an admin key); prints the key, shown this once only.",
    options: {
      customer: { type: 'string', value: '<id>', help: 'The customer that owns the key (required unless --admin).' },
      admin: { type: 'boolean', help: 'Create an admin key (scope admin) instead of a customer key.' },
      scopes: { type: 'string', value: '<list>', help: `Comma-separated scopes: ${CUSTOMER_API_KEY_SCOPES.join(', ')} (required for a customer key).` },
      name: { type: 'string', value: '<name>', help: 'What the key is for (default "CLI key").' },
      expires: { type: 'string', value: '<days>', field: 'expiresInDays', help: `Days until it expires: ${API_KEY_EXPIRY_CHOICES.join(', ')} (default 90).` },
    },
    async run(values) {
      const command = commands['apikey:create']!;
      const isAdmin = Boolean(values.admin);
      if (isAdmin === (values.customer !== undefined)) throw new UsageError('Give either --customer <id> or --admin.');
      if (!isAdmin && values.scopes === undefined) throw new UsageError('--scopes is required for a customer key');
      const scopes = isAdmin && values.scopes === undefined ? ['admin'] : (values.scopes as string).split(',').map((scope) => scope.trim());
      const input = validate(CreateApiKeyInput, { name: values.name ?? 'CLI key', scopes, expiresInDays: values.expires ?? '90' }, command);
      const db = await getDb();
      let owner: ApiKeyOwner = { admin: true };
      if (!isAdmin) {
        const customerId = values.customer as string;
        if (!Id.safeParse(customerId).success) throw new UsageError(`--customer: expected a customer id, got "${customerId}"`);
        if (!(await db.customer.findUnique({ where: { id: customerId }, select: { id: true } }))) throw new AppError('NOT_FOUND', 'Customer not found.');
        owner = { customerId };
      }
      const { apiKey, key } = await createApiKey(db, { ...input, owner, createdById: null }, cliActor);
      return { id: apiKey.id, prefix: apiKeyPrefix(apiKey.publicId), name: apiKey.name, scopes: apiKey.scopes, customerId: apiKey.customerId, expiresAt: apiKey.expiresAt, key };
    },
  },

  'public-key': {
    summary: 'Print the public key document that panels use to verify responses and offline tokens.',
    options: {},
    async run() {
      return publicKeyDocument();
    },
  },

  'audit:verify': {
    summary: 'Verify the audit chain and its signed checkpoints; report the first broken link (exit code 1 when broken).',
    options: {
      checkpoints: {
        type: 'string',
        value: '<file.json>',
        help: 'Also check checkpoints exported earlier (audit:checkpoints, or Export checkpoints in the admin): each signature, and that the table still has each hash.',
      },
      'public-key': {
        type: 'string',
        value: '<file>',
        help: "Verify signatures with this public key (PEM, or the public-key document) instead of the server's configured key.",
      },
    },
    async run(values) {
      const publicKey = values['public-key'] ? parsePublicKey(readText(values['public-key'] as string, 'public-key')) : serverSigningKey();
      const db = await getDb();
      const integrity = await verifyAuditIntegrity(db, { publicKey });
      const exported = values.checkpoints ? await verifyExportedCheckpoints(db, values.checkpoints as string, publicKey) : null;
      const problems = [
        ...(integrity.brokenAt !== null ? [{ sequence: integrity.brokenAt, reason: integrity.reason! }] : []),
        ...(exported?.problems ?? []),
      ].sort((a, b) => (a.sequence < b.sequence ? -1 : a.sequence > b.sequence ? 1 : 0));
      const ok = problems.length === 0;
      if (!ok) process.exitCode = 1;
      return {
        ok,
        firstBrokenLink: problems[0] ? { sequence: problems[0].sequence.toString(), reason: problems[0].reason } : null,
        checkedEvents: integrity.checkedEvents,
        headSequence: integrity.headSequence?.toString() ?? null,
        chainStart: integrity.start ? { sequence: integrity.start.sequence.toString(), hash: integrity.start.hash } : 'genesis',
        storedCheckpoints: { ...integrity.checkpoints, problems: integrity.checkpoints.problems.map(printable) },
        exportedCheckpoints: exported ? { ...exported, problems: exported.problems.map(printable) } : null,
      };
    },
  },

  'audit:checkpoints': {
    summary: 'Print every signed audit checkpoint and the public key as JSON, to keep offline for audit:verify --checkpoints.',
    options: {},
    async run() {
      return exportCheckpoints(await getDb());
    },
  },

  'audit:retention': {
    summary: 'Remove audit events older than AUDIT_RETENTION_DAYS now (the server also does this hourly), after a signed checkpoint at the cut.',
    options: {},
    async run() {
      const run = await applyAuditRetention(await getDb());
      return { removed: run.removed, removedThrough: run.removedThrough?.toString() ?? null, cutoff: run.cutoff };
    },
  },
};

function readText(file: string, flag: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`--${flag}: cannot read ${file}: ${(error as Error).message}`);
  }
}

const printable = (problem: { sequence: bigint; reason: string }) => ({ sequence: problem.sequence.toString(), reason: problem.reason });

async function verifyExportedCheckpoints(db: Awaited<ReturnType<typeof getDb>>, file: string, publicKey: ReturnType<typeof serverSigningKey>) {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readText(file, 'checkpoints'));
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`--checkpoints: ${file} is not JSON`);
  }
  const exported = CheckpointExport.safeParse(parsed);
  if (!exported.success) throw new UsageError(`--checkpoints: ${file} is not a checkpoint export (${exported.error.issues[0]?.message ?? 'invalid'})`);
  return verifyCheckpointsAgainstTable(db, checkpointsFromExport(exported.data), publicKey);
}

function usage(): string {
  const width = Math.max(...Object.keys(commands).map((name) => name.length)) + 2;
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
  const flag = (option: string, spec: OptionSpec) => `--${option}${spec.value ? ` ${spec.value}` : ''}`;
  const required = Object.entries(command.options).filter(([, spec]) => spec.required);
  const rows = Object.entries(command.options).map(([option, spec]) => [
    flag(option, spec),
    `${spec.required ? '(required) ' : ''}${spec.multiple ? '(repeatable) ' : ''}${spec.help}`,
  ]);
  rows.push(['--help', 'Show this help.']);
  const width = Math.max(...rows.map(([left]) => left!.length)) + 2;
  return [
    `Usage: ${INVOCATION} ${name} ${required.map(([option, spec]) => flag(option, spec)).join(' ')}${required.length < Object.keys(command.options).length ? ' [options]' : ''}`,
    '',
    command.summary,
    '',
    'Options:',
    ...rows.map(([left, right]) => `  ${left!.padEnd(width)}${right}`),
  ].join('\n');
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
    const options: NonNullable<ParseArgsConfig['options']> = {
      ...Object.fromEntries(Object.entries(command.options).map(([option, spec]) => [option, { type: spec.type, multiple: spec.multiple ?? false }])),
      help: { type: 'boolean', short: 'h' },
    };
    const { values } = parseArgs({ args, options, strict: true, allowPositionals: false });
    if (values.help) {
      console.log(commandUsage(name!, command));
      return 0;
    }
    const missing = Object.entries(command.options).filter(([option, spec]) => spec.required && values[option] === undefined);
    if (missing.length > 0) throw new UsageError(missing.map(([option]) => `--${option} is required`).join('\n'));
    console.log(JSON.stringify(await command.run(values), null, 2));
    // A command that ran but found a problem (a broken audit chain) sets the exit code itself.
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    // parseArgs reports unknown options and missing values with codes starting ERR_PARSE_ARGS.
    const parseProblem = error instanceof Error && String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS');
    if (error instanceof UsageError || parseProblem) {
      console.error(`${(error as Error).message}\n\nRun \`${INVOCATION} ${name} --help\` for the options.`);
      return 2;
    }
    if (error instanceof AppError || error instanceof ConfigurationError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  } finally {
    await disconnectDb();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('The command failed:', error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
