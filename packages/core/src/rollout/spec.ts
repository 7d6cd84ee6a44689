import { createHash } from 'node:crypto';
import {
  DEFAULT_BAKE_SECONDS,
  DEFAULT_BURST_WINDOW_SECONDS,
  DEFAULT_PREFLIGHT_MAX_AGE_SECONDS,
  DEFAULT_PREFLIGHT_WAIT_SECONDS,
  DEFAULT_SWITCH_TIMEOUT_SECONDS,
  DEFAULT_TARGET_UTILISATION,
  DEFAULT_WAVE_SHARES,
} from './defaults';
import { isRecord, readNumber, readPhases, readQuantity, readScope, type Errors, type SpecError } from './spec-fields';
import type { NodeQuantity, OnAlarm, RolloutPhase, RolloutSpec, RolloutStep } from './types';

// normaliseRolloutSpec: the operator's body (minimal: {"scope": {"databaseId": "…"}}) →
// a full spec with every default filled, or every problem at once, each naming its field.

export type { SpecError };

export type SpecResult =
  | { readonly isValid: true; readonly spec: RolloutSpec }
  | { readonly isValid: false; readonly errors: readonly SpecError[] };

const DAY_SECONDS = 86_400;

/** Cumulative shares: [0.25, 0.5, 1] or {"growthFactor": 2, "initialShare": 0.1} (AppConfig's exponential). */
function readWaves(errors: Errors, value: unknown): number[] {
  if (value === undefined) return [...DEFAULT_WAVE_SHARES];
  if (Array.isArray(value)) {
    const isIncreasing = value.every(
      (share, i) =>
        typeof share === 'number' && share > 0 && share <= 1 && (i === 0 || share > (value[i - 1] as number)),
    );
    if (isIncreasing && value.length > 0 && value[value.length - 1] === 1) return value as number[];
    errors.push({ field: 'waves', message: 'must be increasing cumulative shares in (0, 1] ending with 1' });
    return [...DEFAULT_WAVE_SHARES];
  }
  if (isRecord(value)) {
    const growth = readNumber(errors, 'waves.growthFactor', value.growthFactor, Number.NaN, { min: 1, max: 100 });
    const initial = readNumber(errors, 'waves.initialShare', value.initialShare, 0.1, {
      min: 0,
      max: 1,
      isMinExclusive: true,
    });
    if (value.growthFactor === undefined) errors.push({ field: 'waves.growthFactor', message: 'is required' });
    else if (growth === 1) errors.push({ field: 'waves.growthFactor', message: 'must be above 1' });
    if (!(growth > 1)) return [...DEFAULT_WAVE_SHARES];
    const shares: number[] = [];
    for (let share = initial; share < 1; share *= growth) shares.push(Math.round(share * 1e6) / 1e6);
    return [...shares, 1];
  }
  errors.push({ field: 'waves', message: 'must be a list of cumulative shares or {"growthFactor": …}' });
  return [...DEFAULT_WAVE_SHARES];
}

/** Per phase: canary, bake, each wave followed by a bake; the last bake is the final one. */
export function buildSteps(
  phases: readonly RolloutPhase[],
  canary: NodeQuantity,
  waveShares: readonly number[],
  bakes: { readonly waveBakeSeconds: number; readonly finalBakeSeconds: number },
): RolloutStep[] {
  const steps: RolloutStep[] = [];
  for (const phase of phases) {
    steps.push({ kind: 'canary', phase, quantity: canary });
    steps.push({ kind: 'bake', phase, bakeSeconds: bakes.waveBakeSeconds, isFinal: false });
    waveShares.forEach((cumulativeShare, i) => {
      const isFinal = i === waveShares.length - 1;
      steps.push({ kind: 'wave', phase, cumulativeShare });
      steps.push({
        kind: 'bake',
        phase,
        bakeSeconds: isFinal ? bakes.finalBakeSeconds : bakes.waveBakeSeconds,
        isFinal,
      });
    });
  }
  return steps;
}

export function normaliseRolloutSpec(input: unknown): SpecResult {
  const errors: Errors = [];
  if (!isRecord(input)) return { isValid: false, errors: [{ field: '', message: 'must be a JSON object' }] };
  const scope = readScope(errors, input.scope);
  const phases = readPhases(errors, input.phases);
  const canary = readQuantity(errors, 'canary', input.canary, { kind: 'count', count: 1 }, 1);
  const waves = readWaves(errors, input.waves);
  const seconds = (field: string, fallback: number): number =>
    readNumber(errors, field, input[field], fallback, { min: 0, max: DAY_SECONDS });
  const bakeSeconds = seconds('bakeSeconds', DEFAULT_BAKE_SECONDS);
  const waveBakeSeconds = seconds('waveBakeSeconds', bakeSeconds);
  const finalBakeSeconds = seconds('finalBakeSeconds', bakeSeconds);
  const targetUtilisation = readNumber(
    errors,
    'targetUtilisation',
    input.targetUtilisation,
    DEFAULT_TARGET_UTILISATION,
    {
      min: 0,
      max: 1,
      isMinExclusive: true,
    },
  );
  const maxUnavailable = readQuantity(errors, 'maxUnavailable', input.maxUnavailable, { kind: 'count', count: 1 }, 1);
  const failureLimit = readQuantity(errors, 'failureLimit', input.failureLimit, { kind: 'count', count: 1 }, 0);
  const onAlarm = input.onAlarm ?? 'pause';
  if (onAlarm !== 'pause' && onAlarm !== 'rollback_wave')
    errors.push({ field: 'onAlarm', message: 'must be "pause" or "rollback_wave"' });
  const needsAssumeRole = input.needsAssumeRole ?? false;
  if (typeof needsAssumeRole !== 'boolean') errors.push({ field: 'needsAssumeRole', message: 'must be a boolean' });
  const spec: RolloutSpec = {
    scope,
    phases,
    steps: buildSteps(phases, canary, waves, { waveBakeSeconds, finalBakeSeconds }),
    pacing: {
      targetUtilisation,
      maxUnavailable,
      burstWindowSeconds: readNumber(
        errors,
        'burstWindowSeconds',
        input.burstWindowSeconds,
        DEFAULT_BURST_WINDOW_SECONDS,
        {
          min: 0,
          max: 600,
        },
      ),
      switchTimeoutSeconds: seconds('switchTimeoutSeconds', DEFAULT_SWITCH_TIMEOUT_SECONDS),
    },
    failureLimit,
    onAlarm: onAlarm === 'rollback_wave' ? 'rollback_wave' : 'pause',
    needsAssumeRole: needsAssumeRole === true,
    preflightMaxAgeSeconds: seconds('preflightMaxAgeSeconds', DEFAULT_PREFLIGHT_MAX_AGE_SECONDS),
    preflightWaitSeconds: seconds('preflightWaitSeconds', DEFAULT_PREFLIGHT_WAIT_SECONDS),
  };
  return errors.length > 0 ? { isValid: false, errors } : { isValid: true, spec };
}

/** Keys sorted at every level, so the hash depends on values only. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (isRecord(value))
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, canonical(value[key])]),
    );
  return value;
}

/** A hash of everything that shapes the plan: a running rollout whose hash changes was edited. */
export function stepHash(spec: RolloutSpec): string {
  return createHash('sha256')
    .update(JSON.stringify(canonical(spec)))
    .digest('hex')
    .slice(0, 16);
}

/** Resolves a quantity against a number of nodes: shares round up, and at least one when any. */
export function quantityOf(quantity: NodeQuantity, total: number): number {
  if (total <= 0) return 0;
  const raw = quantity.kind === 'count' ? quantity.count : Math.max(1, Math.ceil(quantity.share * total - 1e-9));
  return Math.min(total, raw);
}

export type { OnAlarm };
