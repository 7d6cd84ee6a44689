import { defineConfig } from 'prisma/config';

// Read DATABASE_URL directly: `env()` from prisma/config throws when it is
// unset, which would break `prisma generate` and `validate` too. Offline use:
// see apps/api/README.md (`npm run -w @iamroll/api prisma -- <command>`).
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? '' },
});
