import type { Pool } from 'undici';
import type { Fleet } from './fleet';

/**
 * One heartbeat before the measured run: a missing endpoint or a body the API
 * rejects should stop the bench with the API's own words, not show up as
 * 60,000 non-2xx answers.
 */
export async function checkHeartbeatEndpoint(pool: Pool, fleet: Fleet): Promise<void> {
  const agent = fleet.agents[0];
  if (!agent) throw new Error('no agent to probe with');
  const request = agent.nextHeartbeat();
  const response = await pool.request({
    method: 'POST',
    path: request.path,
    headers: request.headers,
    body: request.body,
  });
  const text = await response.body.text();
  if (response.statusCode === 404) {
    throw new Error(
      `the API has no heartbeat endpoint yet: POST ${request.path.replace(/nodes\/[^/]+/, 'nodes/{id}')} answered 404 (${text.slice(0, 200)})`,
    );
  }
  if (response.statusCode < 200 || response.statusCode >= 300) {
    throw new Error(
      `the API refused a heartbeat: ${response.statusCode} ${text.slice(0, 500)}\nbody sent: ${request.body}`,
    );
  }
}
