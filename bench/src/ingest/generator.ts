import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { stopChild, track } from './children';
import { GENERATOR_NICE_ENV, type GeneratorReply, type GeneratorRequest, type LoopFigures } from './generator-protocol';
import { LatencyRecorder } from './latency';
import type { LoadProfile, OpenLoopResult } from './open-loop';
import type { AgentSpec, SimulatedAgent } from './simulated-agent';

type Without<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type Request = Without<GeneratorRequest, 'id'>;

/** One load-generator process (generator-process.ts), asked over IPC. */
class GeneratorChild {
  #nextId = 1;
  readonly #pending = new Map<number, (reply: GeneratorReply) => void>();

  private constructor(readonly child: ChildProcess) {
    child.on('message', (reply: GeneratorReply) => {
      this.#pending.get(reply.id)?.(reply);
      this.#pending.delete(reply.id);
    });
  }

  static async start(nice: number): Promise<GeneratorChild> {
    const child = track(
      fork(fileURLToPath(new URL('./generator-process.ts', import.meta.url)), [], {
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
        env: { ...process.env, [GENERATOR_NICE_ENV]: String(nice) },
      }),
    );
    await new Promise<void>((resolve, reject) => {
      child.once('exit', (code) =>
        reject(new Error(`the load generator exited (${code ?? 'signal'}) before it started`)),
      );
      child.once('message', () => resolve());
    });
    return new GeneratorChild(child);
  }

  request(request: Request): Promise<GeneratorReply> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const onExit = () => reject(new Error('the load generator exited during a run'));
      this.child.once('exit', onExit);
      this.#pending.set(id, (reply) => {
        this.child.off('exit', onExit);
        if (reply.type === 'error') reject(new Error(`load generator: ${reply.message}`));
        else resolve(reply);
      });
      this.child.send({ ...request, id });
    });
  }
}

/** The generators' own figures, summed (cores) or worst (delays). */
const combined = (figures: readonly LoopFigures[]): LoopFigures => ({
  cores: figures.reduce((sum, f) => sum + f.cores, 0),
  loopDelayP99Ms: Math.max(0, ...figures.map((f) => f.loopDelayP99Ms)),
  loopDelayMaxMs: Math.max(0, ...figures.map((f) => f.loopDelayMaxMs)),
});

/** Agent specs per IPC message: a fleet of 20,000 in a few messages of ~100 kB. */
const SPECS_PER_MESSAGE = 2_000;

/**
 * The bench's load generators: K processes of their own (`--generators`, default 1), each
 * sending for the agents whose index % K is its own, so the generator neither shares an event
 * loop with the rest of the bench (setup, probe, scrapes) nor hides its own cost: each
 * reports the cores it used and its event-loop delay over the measured window.
 */
export class LoadGenerators {
  #synced = 0;

  private constructor(private readonly children: readonly GeneratorChild[]) {}

  static async start(count: number, nice: number): Promise<LoadGenerators> {
    return new LoadGenerators(await Promise.all(Array.from({ length: count }, () => GeneratorChild.start(nice))));
  }

  get pids(): number[] {
    return this.children.map(({ child }) => child.pid ?? 0);
  }

  /** Hands the generators the agents enrolled since the last call (they own their seq and counters from then on). */
  async sync(agents: readonly SimulatedAgent[]): Promise<void> {
    // By what was sent, not by the message size: a fleet that grows (find-max) starts mid-message.
    while (this.#synced < agents.length) {
      const specs: AgentSpec[] = agents.slice(this.#synced, this.#synced + SPECS_PER_MESSAGE).map((a) => a.spec());
      await Promise.all(this.children.map((child) => child.request({ type: 'agents', specs })));
      this.#synced += specs.length;
    }
  }

  async runOpen(options: {
    readonly origins: readonly string[];
    readonly connections: number;
    readonly nodes: number;
    readonly warmupMs: number;
    readonly durationMs: number;
    readonly profile: LoadProfile;
    readonly keepAliveSeconds: number;
  }): Promise<{ result: OpenLoopResult; generator: LoopFigures }> {
    const of = this.children.length;
    const connectionsPerOrigin = Math.max(1, Math.ceil(options.connections / options.origins.length / of));
    const replies = await Promise.all(
      this.children.map((child, index) =>
        child.request({
          type: 'open',
          origins: options.origins,
          connectionsPerOrigin,
          nodes: options.nodes,
          warmupMs: options.warmupMs,
          durationMs: options.durationMs,
          profile: options.profile,
          keepAliveSeconds: options.keepAliveSeconds,
          shard: { index, of },
        }),
      ),
    );
    const latency = new LatencyRecorder();
    const schedulerLag = new LatencyRecorder();
    const statuses: Record<number, number> = {};
    const replyIntervals: Record<number, number> = {};
    const totals = { scheduled: 0, ok: 0, okWithWarmup: 0, non2xx: 0, errors: 0, skipped: 0 };
    const figures: LoopFigures[] = [];
    for (const reply of replies) {
      if (reply.type !== 'open') throw new Error(`load generator answered ${reply.type} to a run`);
      const { result } = reply;
      for (const key of Object.keys(totals) as (keyof typeof totals)[]) totals[key] += result[key];
      latency.recordAll(result.latenciesMs);
      schedulerLag.recordAll(result.schedulerLagsMs);
      for (const [code, n] of Object.entries(result.statuses))
        statuses[Number(code)] = (statuses[Number(code)] ?? 0) + n;
      for (const [ms, n] of Object.entries(result.replyIntervals))
        replyIntervals[Number(ms)] = (replyIntervals[Number(ms)] ?? 0) + n;
      figures.push(reply.figures);
    }
    return {
      result: {
        nodes: options.nodes,
        ...totals,
        latency,
        schedulerLag,
        statuses,
        replyIntervals,
        durationMs: options.durationMs,
      },
      generator: combined(figures),
    };
  }

  /** Max throughput against one origin (the baseline): the callers split between the generators. */
  async runClosed(options: {
    readonly origin: string;
    readonly concurrency: number;
    readonly warmupMs: number;
    readonly durationMs: number;
    readonly spec: AgentSpec;
  }): Promise<{
    requestsPerSecond: number;
    ok: number;
    failed: number;
    latency: LatencyRecorder;
    generator: LoopFigures;
  }> {
    const concurrency = Math.max(1, Math.ceil(options.concurrency / this.children.length));
    const replies = await Promise.all(
      this.children.map((child) => child.request({ type: 'closed', ...options, concurrency })),
    );
    const latency = new LatencyRecorder();
    let ok = 0;
    let failed = 0;
    const figures: LoopFigures[] = [];
    for (const reply of replies) {
      if (reply.type !== 'closed') throw new Error(`load generator answered ${reply.type} to a baseline run`);
      ok += reply.result.ok;
      failed += reply.result.failed;
      latency.recordAll(reply.result.latenciesMs);
      figures.push(reply.figures);
    }
    return { requestsPerSecond: ok / (options.durationMs / 1000), ok, failed, latency, generator: combined(figures) };
  }

  async close(): Promise<void> {
    await Promise.all(this.children.map(({ child }) => stopChild(child, 5_000)));
  }
}
