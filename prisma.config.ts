import { defineConfig } from 'prisma/config';

// The CLI is used for `prisma generate` only; migrations run through scripts/db.ts
// (Prisma's WebAssembly schema engine), which needs no downloaded engine binary.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
});
