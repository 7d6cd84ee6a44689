import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@iamroll/agent',
    include: ['src/**/*.test.ts'],
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    testTimeout: 60_000,
    hookTimeout: 90_000,
  },
});
