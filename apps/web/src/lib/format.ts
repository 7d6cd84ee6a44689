// Formatting for humans: rates with a unit, times relative to now, shares as percentages.

export function formatRate(perSecond: number): string {
  if (perSecond === 0) return '0/s';
  if (perSecond < 10) return `${perSecond.toFixed(1)}/s`;
  return `${Math.round(perSecond)}/s`;
}

export function formatPercent(share: number): string {
  return `${Math.round(share * 100)}%`;
}

export function formatAgo(iso: string | null, nowMs = Date.now()): string {
  if (!iso) return 'never';
  const seconds = Math.round((nowMs - Date.parse(iso)) / 1000);
  if (seconds < 5) return 'just now';
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.round(hours / 24)} d ago`;
}

export function formatTime(iso: string | null): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

const STAGE_LABELS: Readonly<Record<string, string>> = {
  password: 'passwords',
  ro_iam: 'read-only on IAM',
  rw_iam: 'both on IAM',
  rw_iam_ro_password: 'read-write on IAM, read-only on passwords',
};

export function formatStage(stage: string): string {
  return STAGE_LABELS[stage] ?? stage;
}

const ROLE_LABELS: Readonly<Record<string, string>> = {
  traditional: 'traditional',
  control_plane: 'control plane',
  data_plane: 'data plane',
};

export function formatKongRole(role: string): string {
  return ROLE_LABELS[role] ?? role;
}

/** Where a rate stands against its budget: ok below the warning line, warning up to the budget, critical above. */
export function budgetLevel(ratePerSecond: number, budgetPerSecond: number, warningThreshold: number) {
  if (ratePerSecond >= budgetPerSecond) return 'critical' as const;
  if (ratePerSecond >= budgetPerSecond * warningThreshold) return 'warning' as const;
  return 'ok' as const;
}

export function isPast(iso: string, nowMs = Date.now()): boolean {
  return Date.parse(iso) < nowMs;
}
