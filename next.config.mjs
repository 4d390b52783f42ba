/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native, WebAssembly and connection-pooling packages stay as plain Node requires instead of being bundled.
  serverExternalPackages: [
    '@electric-sql/pglite',
    'pglite-prisma-adapter',
    '@prisma/schema-engine-wasm',
    '@prisma/adapter-pg',
    '@node-rs/argon2',
    'pg',
    'ioredis',
    'pino',
  ],
  // A separate build directory lets parallel builds (several checkouts' worth of work on one machine) coexist.
  distDir: process.env.NEXT_DIST_DIR || '.next',
  poweredByHeader: false,
  reactStrictMode: true,
  typedRoutes: false,
};

export default nextConfig;
