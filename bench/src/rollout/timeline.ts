// Where a rollout's time goes, node by node: when the engine's switch was first seen
// (`switching` in GET /api/v1/rollouts/:id), when the agent began (its journal's `backed up`),
// when it finished (`completed`: restarted, healthy, probe logged in), and when the engine
// called it settled (`switched`). Times are this process's clock, ms since the rollout's POST.

export type Mark = 'switching' | 'backedUp' | 'completed' | 'switched';

export class Timeline {
  readonly #marks = new Map<string, Partial<Record<Mark, number>>>();

  constructor(private readonly startedAtMs: () => number) {}

  /** First time only: a later sighting of the same mark says nothing new. */
  mark(key: string, mark: Mark, atMs = Date.now()): void {
    const marks = this.#marks.get(key) ?? {};
    marks[mark] ??= atMs - this.startedAtMs();
    this.#marks.set(key, marks);
  }

  /** The agent's log lines (`<node>: switch password → ro_iam: backed up`, `<node>: switch to ro_iam: completed`). */
  onAgentLog(line: string): void {
    const match = /^(\S+): switch (?:\S+ → )?(?:to )?(\w+): (backed up|completed)$/.exec(line);
    if (!match?.[1] || !match[2]) return;
    this.mark(`${match[1]}@${match[2]}`, match[3] === 'backed up' ? 'backedUp' : 'completed');
  }

  /** Medians per phase (ms): intent → agent starts, agent's apply, agent done → engine settled. */
  summary(phase: string): Record<string, number | null> {
    const rows = [...this.#marks.entries()].filter(([key]) => key.endsWith(`@${phase}`)).map(([, marks]) => marks);
    const median = (from: Mark, to: Mark): number | null => {
      const spans = rows
        .filter((m) => m[from] !== undefined && m[to] !== undefined)
        .map((m) => m[to]! - m[from]!)
        .sort((a, b) => a - b);
      return spans.length > 0 ? spans[Math.floor(spans.length / 2)]! : null;
    };
    const firsts = rows.map((m) => m.switching).filter((t) => t !== undefined);
    const lasts = rows.map((m) => m.switched).filter((t) => t !== undefined);
    return {
      nodes: rows.length,
      first_switch_ms: firsts.length > 0 ? Math.min(...firsts) : null,
      last_settled_ms: lasts.length > 0 ? Math.max(...lasts) : null,
      intent_to_agent_ms: median('switching', 'backedUp'),
      apply_ms: median('backedUp', 'completed'),
      agent_to_settled_ms: median('completed', 'switched'),
      intent_to_settled_ms: median('switching', 'switched'),
    };
  }

  toJSON(): Record<string, Partial<Record<Mark, number>>> {
    return Object.fromEntries(this.#marks);
  }
}
