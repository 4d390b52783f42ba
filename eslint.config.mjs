import nextCoreWebVitals from 'eslint-config-next/core-web-vitals';
import nextTypescript from 'eslint-config-next/typescript';

const config = [
  ...nextCoreWebVitals,
  ...nextTypescript,
  {
    ignores: ['.next/**', 'node_modules/**', 'src/generated/**', '.data/**', 'test-results/**', 'playwright-report/**', 'next-env.d.ts'],
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    // Command-line entry points talk to a terminal.
    files: ['scripts/**', 'bench/**', 'src/client/cli.ts', 'server.mjs', 'e2e/**', 'tests/**'],
    rules: { 'no-console': 'off' },
  },
  {
    // Domain modules stay framework-free so the CLI, route handlers and routers share them.
    files: ['src/server/**/*.ts'],
    ignores: ['src/server/trpc/**', 'src/server/routers/**', 'src/server/http/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['next', 'next/*', '@trpc/*', 'react', 'react-dom', 'next-auth', 'next-auth/*'], message: 'Domain modules must not import Next, tRPC or React.' }] },
      ],
    },
  },
];

export default config;
