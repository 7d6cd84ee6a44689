import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { processTreeCpuSeconds } from './cpu';

/** A child that spends `ms` of its own CPU time, then exits (and is reaped by this process). */
async function burnInChild(ms: number): Promise<void> {
  const child = spawn(process.execPath, [
    '-e',
    `const start = process.cpuUsage(); while ((process.cpuUsage(start).user + process.cpuUsage(start).system) / 1000 < ${ms}) {}`,
  ]);
  const [code] = (await once(child, 'exit')) as [number | null];
  expect(code).toBe(0);
}

describe.runIf(process.platform === 'linux')('processTreeCpuSeconds', () => {
  it('keeps the CPU of a descendant that exited during the span (a closed PostgreSQL backend)', async () => {
    const before = await processTreeCpuSeconds(process.pid);
    await burnInChild(300);
    const after = await processTreeCpuSeconds(process.pid);
    expect(before).not.toBeNull();
    expect(after).not.toBeNull();
    // The child is gone: only this process's cutime still holds its 300 ms.
    const descendants = after!.treeSeconds - after!.ownSeconds - (before!.treeSeconds - before!.ownSeconds);
    expect(descendants).toBeGreaterThanOrEqual(0.25);
  });

  it('is null for a process that does not exist', async () => {
    expect(await processTreeCpuSeconds(2 ** 22 + 1)).toBeNull();
  });
});
