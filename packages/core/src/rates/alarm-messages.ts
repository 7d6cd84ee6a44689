import type { NonThrottleCause } from './fleet-state';

// Human figures for alarm messages: "db-1 at 172/s, 86% of its 200/s IAM budget (10 s average)".

/** 172 → "172/s", 3.46 → "3.5/s", 0 → "0/s". */
export function formatRate(ratePerSecond: number): string {
  const shown = ratePerSecond >= 10 ? Math.round(ratePerSecond) : Math.round(ratePerSecond * 10) / 10;
  return `${shown}/s`;
}

export function formatPercent(ratio: number): string {
  return Number.isFinite(ratio) ? `${Math.round(ratio * 100)}%` : '∞%';
}

/** 4200 → "4.2 s", 45000 → "45 s", 300000 → "5 min", 7200000 → "2 h". */
export function formatDuration(durationMs: number): string {
  const seconds = durationMs / 1000;
  if (seconds < 10) return `${Math.round(seconds * 10) / 10} s`;
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 3600)} h`;
}

export function plural(count: number, one: string, many: string = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

const CAUSE_LABELS: Record<NonThrottleCause, string> = {
  invalidToken: 'invalid token',
  notAuthorized: 'not authorised',
  other: 'other',
};

/** "3 invalid token, 1 not authorised" (causes with zero left out). */
export function formatCauses(counts: Readonly<Record<NonThrottleCause, number>>): string {
  return (Object.keys(CAUSE_LABELS) as NonThrottleCause[])
    .filter((cause) => counts[cause] > 0)
    .map((cause) => `${counts[cause]} ${CAUSE_LABELS[cause]}`)
    .join(', ');
}
