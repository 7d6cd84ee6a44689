import type { RolloutPreview } from '@iamroll/contracts';
import { formatRate } from '../../../lib/format';

const PHASE_LABELS: Readonly<Record<string, string>> = {
  ro_iam: 'Read-only connections to IAM',
  rw_iam: 'Read-write connections to IAM',
};

export function formatPhase(phase: string | null): string {
  return phase ? (PHASE_LABELS[phase] ?? phase) : '—';
}

export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  const rest = Math.round(seconds % 60);
  if (minutes < 60) return rest ? `${minutes} min ${rest} s` : `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return `${hours} h ${minutes % 60} min`;
}

/** The preview: waves per phase, projected peak per database against its budget, duration, skipped and blocked. */
export function RolloutPreviewView({
  preview,
  databaseName = (id) => id,
  hostname = (id) => id,
}: {
  preview: RolloutPreview;
  databaseName?: (id: string) => string;
  hostname?: (id: string) => string;
}) {
  return (
    <div className="rollout-preview" data-testid="rollout-preview">
      <p>
        Expected duration:{' '}
        <strong data-testid="preview-duration">{formatDuration(preview.expectedDurationSeconds)}</strong>
      </p>
      {preview.databases.map((database) => {
        const scale = Math.max(database.budgetPerSecond, database.projectedPeakPerSecond, 1);
        const name = databaseName(database.databaseId);
        return (
          <div key={database.databaseId} className="preview-db">
            <p>
              <strong>{name}</strong>: projected peak {formatRate(database.projectedPeakPerSecond)} of{' '}
              {formatRate(database.budgetPerSecond)} budget (target {formatRate(database.targetPerSecond)}, measured now{' '}
              {formatRate(database.measuredRatePerSecond)})
              {database.isOverTarget && <span className="badge badge-critical"> over target</span>}
            </p>
            <div
              className={`meter ${database.isOverTarget ? 'meter-critical' : ''}`}
              role="meter"
              aria-label={`Projected peak on ${name}`}
              aria-valuemin={0}
              aria-valuemax={database.budgetPerSecond}
              aria-valuenow={database.projectedPeakPerSecond}
              aria-valuetext={`${formatRate(database.projectedPeakPerSecond)} of ${formatRate(database.budgetPerSecond)} budget`}
            >
              <div
                className="meter-fill"
                style={{ width: `${Math.min(100, (database.projectedPeakPerSecond / scale) * 100)}%` }}
              />
              <div
                className="meter-mark meter-warning"
                title="target"
                style={{ left: `${Math.min(100, (database.targetPerSecond / scale) * 100)}%` }}
              />
            </div>
          </div>
        );
      })}
      {preview.phases.map((phase) => (
        <section key={phase.phase} aria-label={formatPhase(phase.phase)} className="preview-phase">
          <h3>{formatPhase(phase.phase)}</h3>
          {phase.waves.length === 0 ? (
            <p className="muted">No node to switch in this phase.</p>
          ) : (
            <ol className="waves">
              {phase.waves.map((wave) => (
                <li key={wave.stepIndex}>
                  {wave.label}: {wave.nodeIds.length} {wave.nodeIds.length === 1 ? 'node' : 'nodes'}
                  {wave.batches.length > 1 && <span className="muted"> in {wave.batches.length} batches</span>}
                </li>
              ))}
            </ol>
          )}
          <NodeReasons title="Skipped" items={phase.skipped} hostname={hostname} />
          <NodeReasons title="Blocked" items={phase.blocked} hostname={hostname} />
        </section>
      ))}
      {preview.notes.length > 0 && (
        <ul className="notes">
          {preview.notes.map((note) => (
            <li key={note}>{note}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

function NodeReasons({
  title,
  items,
  hostname,
}: {
  title: string;
  items: readonly { nodeId: string; reason: string }[];
  hostname: (id: string) => string;
}) {
  if (items.length === 0) return null;
  return (
    <div>
      <h4>
        {title} ({items.length})
      </h4>
      <ul>
        {items.map((item) => (
          <li key={item.nodeId}>
            <span className="mono">{hostname(item.nodeId)}</span>: {item.reason}
          </li>
        ))}
      </ul>
    </div>
  );
}
