import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@iamroll/cli',
    include: ['src/**/*.test.ts'],
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    // Commands import the API and the sandbox on first use: seconds on a busy two-core CI machine.
    testTimeout: 30_000,
  },
});
