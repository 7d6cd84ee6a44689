export interface RolloutArgs {
  readonly json: boolean;
  readonly nodes: number;
  readonly workers: number;
  readonly poolSize: number;
  readonly budget: number;
  readonly targetUtilisation: number;
  readonly deadlineS: number;
  /** The API's IAMROLL_ROLLOUT_RECONCILE_MS. */
  readonly reconcileMs: number;
  /** The rollout's `burstWindowSeconds` (unset: the engine's default), to see what the window costs. */
  readonly burstWindowS: number | undefined;
}

export function parseRolloutArgs(argv: readonly string[]): RolloutArgs {
  const value = (name: string, fallback: number): number => {
    const index = argv.indexOf(`--${name}`);
    if (index < 0) return fallback;
    const parsed = Number(argv[index + 1]);
    if (!Number.isFinite(parsed) || parsed <= 0) throw new Error(`--${name} needs a positive number`);
    return parsed;
  };
  return {
    json: argv.includes('--json'),
    nodes: value('nodes', 100),
    workers: value('workers', 4),
    poolSize: value('pool', 5),
    budget: value('budget', 200),
    targetUtilisation: value('target', 0.5),
    deadlineS: value('deadline-s', 600),
    reconcileMs: value('reconcile-ms', 250),
    burstWindowS: argv.includes('--burst-window-s') ? value('burst-window-s', 2) : undefined,
  };
}
