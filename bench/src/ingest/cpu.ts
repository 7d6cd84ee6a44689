import { readdir, readFile } from 'node:fs/promises';

/** Linux reports process times in clock ticks; 100 per second on every mainstream kernel config. */
const CLOCK_TICKS_PER_SECOND = 100;

interface ProcStat {
  readonly pid: number;
  readonly ppid: number;
  readonly cpuSeconds: number;
  /** Its children that exited and were waited for (utime and stime they left to it: cutime, cstime). */
  readonly reapedSeconds: number;
}

async function readStat(pid: number): Promise<ProcStat | undefined> {
  const text = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (!text) return undefined;
  // The command name (field 2) may hold spaces and parentheses: split after its closing one.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // Now fields[0] is field 3 (state): ppid is field 4, utime 14, stime 15, cutime 16, cstime 17.
  const ppid = Number(fields[1]);
  const ticks = Number(fields[11]) + Number(fields[12]);
  const reapedTicks = Number(fields[13]) + Number(fields[14]);
  return Number.isFinite(ticks) && Number.isFinite(reapedTicks)
    ? { pid, ppid, cpuSeconds: ticks / CLOCK_TICKS_PER_SECOND, reapedSeconds: reapedTicks / CLOCK_TICKS_PER_SECOND }
    : undefined;
}

interface TreeCpu {
  /** The process itself (for the API: its one event loop plus V8's and libuv's helper threads). */
  readonly ownSeconds: number;
  /**
   * With all its descendants (the API's PostgreSQL server and backends), the ones that exited
   * included: a backend that closed during the span took its seconds into its parent's cutime.
   */
  readonly treeSeconds: number;
}

/** CPU seconds used so far by a process and by its process tree. Linux only: null elsewhere. */
export async function processTreeCpuSeconds(rootPid: number): Promise<TreeCpu | null> {
  const entries = await readdir('/proc').catch(() => undefined);
  if (!entries) return null;
  const stats = (await Promise.all(entries.filter((e) => /^\d+$/.test(e)).map((e) => readStat(Number(e))))).filter(
    (s): s is ProcStat => s !== undefined,
  );
  const children = new Map<number, ProcStat[]>();
  for (const stat of stats) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), stat]);
  const root = stats.find((s) => s.pid === rootPid);
  if (!root) return null;
  let total = 0;
  const stack = [root];
  for (let stat = stack.pop(); stat; stat = stack.pop()) {
    total += stat.cpuSeconds + stat.reapedSeconds;
    stack.push(...(children.get(stat.pid) ?? []));
  }
  return { ownSeconds: root.cpuSeconds, treeSeconds: total };
}

/** CPU seconds the whole machine spent busy so far (all cores; /proc/stat minus idle and iowait). */
async function machineBusySeconds(): Promise<number | null> {
  const text = await readFile('/proc/stat', 'utf8').catch(() => undefined);
  const fields = text?.split('\n')[0]?.trim().split(/\s+/).slice(1).map(Number);
  if (!fields || fields.length < 5) return null;
  // user nice system idle iowait irq softirq steal (guest time is already inside user).
  const busy = fields.slice(0, 8).reduce((sum, v, i) => (i === 3 || i === 4 ? sum : sum + v), 0);
  return busy / CLOCK_TICKS_PER_SECOND;
}

/** Several processes' trees summed (K API processes); null if any cannot be read. */
async function treesCpuSeconds(rootPids: readonly number[]): Promise<TreeCpu | null> {
  const trees = await Promise.all(rootPids.map((pid) => processTreeCpuSeconds(pid)));
  if (trees.some((tree) => tree === null)) return null;
  return trees.reduce<TreeCpu>(
    (sum, tree) => ({
      ownSeconds: sum.ownSeconds + (tree?.ownSeconds ?? 0),
      treeSeconds: sum.treeSeconds + (tree?.treeSeconds ?? 0),
    }),
    { ownSeconds: 0, treeSeconds: 0 },
  );
}

/**
 * Measures a span: call the returned function at its end for cores used on average (1 = one core busy).
 * With several API processes, their figures are summed.
 */
export async function startCpuSpan(rootPid: number | readonly number[]): Promise<
  () => Promise<{
    /** This process (the bench's main one: setup, the probe, scrapes; the load generators run apart). */
    benchCores: number;
    /** The span's length. */
    seconds: number;
    serverCores: number | null;
    serverProcessCores: number | null;
    machineCores: number | null;
  }>
> {
  const startedMs = performance.now();
  const generatorStart = process.cpuUsage();
  const rootPids = typeof rootPid === 'number' ? [rootPid] : rootPid;
  const serverStart = await treesCpuSeconds(rootPids);
  const machineStart = await machineBusySeconds();
  return async () => {
    const seconds = (performance.now() - startedMs) / 1000;
    const generator = process.cpuUsage(generatorStart);
    const serverEnd = await treesCpuSeconds(rootPids);
    const machineEnd = await machineBusySeconds();
    return {
      benchCores: (generator.user + generator.system) / 1e6 / seconds,
      seconds,
      serverCores:
        serverStart === null || serverEnd === null ? null : (serverEnd.treeSeconds - serverStart.treeSeconds) / seconds,
      serverProcessCores:
        serverStart === null || serverEnd === null ? null : (serverEnd.ownSeconds - serverStart.ownSeconds) / seconds,
      machineCores: machineStart === null || machineEnd === null ? null : (machineEnd - machineStart) / seconds,
    };
  };
}
