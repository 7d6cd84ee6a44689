import { defineConfig } from 'vitest/config';

// One Vitest run covers every workspace: each folder below is a project
// named after its package.json, so `vitest run --project @iamroll/core` works.
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*'],
  },
});
