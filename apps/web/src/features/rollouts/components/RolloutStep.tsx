import type { RolloutStepView, RolloutView } from '@iamroll/contracts';
import { useNow } from '../hooks/use-now';
import { formatPhase } from './RolloutPreviewView';

/** "1:05" / "12 s": what a bake has left, rounded up to the second. */
export function formatRemaining(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/** "wave 2 of 3", or for the canary (and its bake) how many waves follow it. */
export function waveLine(step: RolloutStepView): string {
  if (step.waveIndex === 0) return `canary, then ${step.waveCount} ${step.waveCount === 1 ? 'wave' : 'waves'}`;
  return `wave ${step.waveIndex} of ${step.waveCount}`;
}

export interface BakeCountdown {
  readonly remainingMs: number;
  /** 0 → 1 over the bake. */
  readonly done: number;
  readonly totalSeconds: number;
}

export function bakeCountdown(step: RolloutStepView, nowMs: number): BakeCountdown | null {
  if (!step.bakeStartedAt || !step.bakeEndsAt) return null;
  const startMs = Date.parse(step.bakeStartedAt);
  const endMs = Date.parse(step.bakeEndsAt);
  const totalMs = Math.max(0, endMs - startMs);
  const remainingMs = Math.max(0, endMs - nowMs);
  return {
    remainingMs,
    done: totalMs === 0 ? 1 : Math.min(1, Math.max(0, (nowMs - startMs) / totalMs)),
    totalSeconds: Math.round(totalMs / 1000),
  };
}

/** Where the running (or paused) rollout is: phase, wave i of n, and the bake's countdown. */
export function RolloutStep({ rollout }: { rollout: RolloutView }) {
  const step = rollout.step;
  const isBaking = Boolean(step?.bakeEndsAt);
  const now = useNow(isBaking);
  if (!step) return null;
  const countdown = bakeCountdown(step, now);
  return (
    <div className="rollout-step" data-testid="rollout-step">
      <p>
        <strong>{formatPhase(step.phase)}</strong>: {step.label}
        {step.kind !== 'final_bake' && (
          <span className="muted" data-testid="rollout-wave">
            {' '}
            · {waveLine(step)}
          </span>
        )}
      </p>
      {countdown && (
        <div className="bake" data-testid="rollout-bake">
          <label>
            {countdown.remainingMs > 0 ? (
              <>
                Bake ends in <strong data-testid="bake-remaining">{formatRemaining(countdown.remainingMs)}</strong> (of{' '}
                {formatRemaining(countdown.totalSeconds * 1000)})
              </>
            ) : (
              'Bake done: the next step starts on the engine’s next pass.'
            )}{' '}
            <progress max={1} value={countdown.done} />
          </label>
          {rollout.status === 'paused' && (
            <p className="muted small">
              The bake keeps running while the rollout is paused; resuming does not restart it.
            </p>
          )}
        </div>
      )}
    </div>
  );
}
