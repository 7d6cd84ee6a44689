import type { LoadProfile } from './open-loop';
import type { AgentSpec } from './simulated-agent';

/** What the bench asks a load-generator process (generator-process.ts) to do; `id` pairs a reply with it. */
export type GeneratorRequest =
  | { readonly id: number; readonly type: 'agents'; readonly specs: readonly AgentSpec[] }
  | {
      readonly id: number;
      readonly type: 'open';
      readonly origins: readonly string[];
      readonly connectionsPerOrigin: number;
      readonly nodes: number;
      readonly warmupMs: number;
      readonly durationMs: number;
      readonly profile: LoadProfile;
      readonly keepAliveSeconds: number;
      readonly shard: { readonly index: number; readonly of: number };
    }
  | {
      readonly id: number;
      readonly type: 'closed';
      readonly origin: string;
      readonly concurrency: number;
      readonly warmupMs: number;
      readonly durationMs: number;
      readonly spec: AgentSpec;
    };

/** The generator process's own cost over the measured window. */
export interface LoopFigures {
  /** Cores it kept busy on average. */
  readonly cores: number;
  /** Its event-loop delay: large means its own timing (send times, latencies) is off by about this. */
  readonly loopDelayP99Ms: number;
  readonly loopDelayMaxMs: number;
}

export interface OpenLoopCounts {
  readonly scheduled: number;
  readonly ok: number;
  readonly okWithWarmup: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly skipped: number;
  readonly latenciesMs: readonly number[];
  readonly schedulerLagsMs: readonly number[];
  readonly statuses: Readonly<Record<number, number>>;
  /** The replies' `intervalMs` in the window, with counts. */
  readonly replyIntervals: Readonly<Record<number, number>>;
}

export type GeneratorReply =
  | { readonly id: number; readonly type: 'ok' }
  | { readonly id: number; readonly type: 'error'; readonly message: string }
  | { readonly id: number; readonly type: 'open'; readonly result: OpenLoopCounts; readonly figures: LoopFigures }
  | {
      readonly id: number;
      readonly type: 'closed';
      readonly result: { readonly ok: number; readonly failed: number; readonly latenciesMs: readonly number[] };
      readonly figures: LoopFigures;
    };

/** The environment variable that hands a generator process its nice value (`--generator-nice`). */
export const GENERATOR_NICE_ENV = 'IAMROLL_BENCH_GENERATOR_NICE';
