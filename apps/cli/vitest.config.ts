import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@iamroll/cli',
    include: ['src/**/*.test.ts'],
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
