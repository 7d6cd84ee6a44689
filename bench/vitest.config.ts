import { defineProject } from 'vitest/config';

// Tests of the benchmarks' own measuring parts (not benchmarks: those print JSON, see README.md).
export default defineProject({
  test: {
    name: '@iamroll/bench',
    include: ['src/**/*.test.ts'],
  },
});
