import { budgetLevel, formatRate } from '../lib/format';

export interface BudgetMeterProps {
  readonly ratePerSecond: number;
  readonly peakPerSecond: number;
  readonly budgetPerSecond: number;
  readonly warningThreshold: number;
  readonly label: string;
}

/** Rate now as a bar, the hour's peak as a tick, and the warning and budget lines, on a scale with headroom. */
export function BudgetMeter({
  ratePerSecond,
  peakPerSecond,
  budgetPerSecond,
  warningThreshold,
  label,
}: BudgetMeterProps) {
  const scale = Math.max(budgetPerSecond * 1.25, peakPerSecond * 1.05, ratePerSecond * 1.05);
  const at = (value: number) => `${Math.min(100, (value / scale) * 100)}%`;
  const level = budgetLevel(ratePerSecond, budgetPerSecond, warningThreshold);
  return (
    <div className="meter-wrap">
      <div
        className={`meter meter-${level}`}
        role="meter"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={budgetPerSecond}
        aria-valuenow={Math.min(ratePerSecond, budgetPerSecond)}
        aria-valuetext={`${formatRate(ratePerSecond)} of ${budgetPerSecond}/s budget`}
      >
        <div className="meter-fill" style={{ width: at(ratePerSecond) }} />
        <div className="meter-mark meter-peak" style={{ left: at(peakPerSecond) }} title="Peak (1 h)" />
        <div
          className="meter-mark meter-warning"
          style={{ left: at(budgetPerSecond * warningThreshold) }}
          title="Warning line"
        />
        <div className="meter-mark meter-budget" style={{ left: at(budgetPerSecond) }} title="Budget" />
      </div>
      <dl className="meter-legend">
        <div>
          <dt>Now</dt>
          <dd>{formatRate(ratePerSecond)}</dd>
        </div>
        <div>
          <dt>
            <span className="key key-peak" aria-hidden="true" /> Peak (1 h)
          </dt>
          <dd>{formatRate(peakPerSecond)}</dd>
        </div>
        <div>
          <dt>
            <span className="key key-warning" aria-hidden="true" /> Warning
          </dt>
          <dd>{formatRate(budgetPerSecond * warningThreshold)}</dd>
        </div>
        <div>
          <dt>
            <span className="key key-budget" aria-hidden="true" /> Budget
          </dt>
          <dd>{formatRate(budgetPerSecond)}</dd>
        </div>
      </dl>
    </div>
  );
}
