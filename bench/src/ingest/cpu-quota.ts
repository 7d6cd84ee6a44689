import { access, mkdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

/**
 * The quota's accounting period (µs). Short, so a group that spent its quota early in a period
 * waits at most a few milliseconds for the next one; the kernel's default (100 ms) would add
 * stalls of that size to every latency and hide the machine's own.
 */
const PERIOD_US = 5_000;
const CGROUP_ROOT = '/sys/fs/cgroup';

export interface CpuQuota {
  readonly cores: number;
  /** The control group the process runs in (children it starts afterwards inherit it). */
  readonly path: string;
  /** Moves the process back to the group it came from and removes this one (once its children have exited). */
  release(): Promise<void>;
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/** This process's group under a hierarchy, from /proc/self/cgroup: v2's `0::/path`, v1's `N:…,cpu,…:/path`. */
async function ownGroup(version: 1 | 2): Promise<string> {
  const lines = (await readFile('/proc/self/cgroup', 'utf8')).split('\n');
  for (const line of lines) {
    const [id, controllers, path] = line.split(':');
    if (path === undefined) continue;
    if (version === 2 && id === '0' && controllers === '') return path;
    if (version === 1 && (controllers ?? '').split(',').includes('cpu')) return path;
  }
  return '/';
}

/**
 * Runs the rest of the bench (this process and every process it starts afterwards: the load
 * generators, the baseline, the API and its PostgreSQL) on `cores` cores' worth of CPU time in all,
 * through a Linux control group's CPU quota (cgroup v2 `cpu.max`, or v1 `cpu.cfs_quota_us`). A
 * reproducible slower machine: `--cpu-quota 1.1` on this 2-core machine gives a bare Fastify
 * baseline near 9,000 req/s. With `pid`, that process alone (threads included; the children it already
 * started stay where they are): `--api-cpu-quota`. Needs root (or a delegated cgroup) and a mounted cpu controller.
 */
export async function confineToCpuQuota(cores: number, pid: number = process.pid): Promise<CpuQuota> {
  const quotaUs = Math.round(cores * PERIOD_US);
  const name = `iamroll-bench-${pid}`;
  const hint =
    '--cpu-quota runs the bench in a Linux control group with a CPU quota: it needs root (or a delegated cgroup) and the cpu controller mounted under /sys/fs/cgroup. Leave it out to measure the machine as it is.';
  try {
    // The group beside this process's own, and the files that set its quota.
    const isV2 = await exists(join(CGROUP_ROOT, 'cgroup.controllers'));
    const parent = isV2 ? join(CGROUP_ROOT, await ownGroup(2)) : join(CGROUP_ROOT, 'cpu', await ownGroup(1));
    const limits: [file: string, value: string][] = isV2
      ? [['cpu.max', `${quotaUs} ${PERIOD_US}`]]
      : [
          ['cpu.cfs_period_us', String(PERIOD_US)],
          ['cpu.cfs_quota_us', String(quotaUs)],
        ];
    if (isV2) {
      const controllers = await readFile(join(parent, 'cgroup.subtree_control'), 'utf8');
      if (!controllers.split(/\s+/).includes('cpu')) await writeFile(join(parent, 'cgroup.subtree_control'), '+cpu');
    }
    const path = join(parent, name);
    await mkdir(path);
    for (const [file, value] of limits) await writeFile(join(path, file), value);
    await writeFile(join(path, 'cgroup.procs'), String(pid));
    return { cores, path, release: () => leave(parent, path, pid) };
  } catch (error) {
    throw new Error(`${hint} (${(error as Error).message})`, { cause: error });
  }
}

/** Back to the parent group (when still running), then the group goes; a child still exiting keeps it a moment, so a few tries. */
async function leave(parent: string, path: string, pid: number): Promise<void> {
  await writeFile(join(parent, 'cgroup.procs'), String(pid)).catch(() => undefined);
  for (let attempt = 0; attempt < 20; attempt += 1) {
    try {
      await rmdir(path);
      return;
    } catch {
      await delay(250);
    }
  }
  process.stderr.write(`the bench's control group ${path} is still in use; remove it with: rmdir ${path}\n`);
}
