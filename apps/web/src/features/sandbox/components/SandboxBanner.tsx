import { useQuery } from '@tanstack/react-query';
import { Link } from '../../../lib/router';
import { sandboxQuery } from '../api/sandbox-queries';

/** Marks the sandbox on every page; shows nothing on a real controller. */
export function SandboxBanner() {
  const { data } = useQuery(sandboxQuery());
  if (!data) return null;
  return (
    <div className="banner banner-sandbox" role="note" aria-label="Sandbox" data-testid="sandbox-banner">
      <span>
        <strong>Sandbox</strong> — simulated RDS instances and {data.nodes.length} simulated Kong nodes on this machine.
        Nothing here touches AWS.
      </span>
      <Link to="/sandbox">Demo controls</Link>
    </div>
  );
}
