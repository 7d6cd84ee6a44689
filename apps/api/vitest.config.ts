import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@iamroll/api',
    include: ['src/**/*.test.ts'],
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    // Each file starts a real PostgreSQL; on a busy two-core CI machine that and failover polling take seconds.
    testTimeout: 30_000,
    hookTimeout: 90_000,
  },
});
