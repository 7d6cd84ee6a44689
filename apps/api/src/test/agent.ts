import type { FastifyInstance } from 'fastify';

export const TEST_ENROLLMENT_TOKEN = 'bootstrap-enrollment-token-for-tests';

/** Enrolls a node with an enrollment token (default: the bootstrap one) and returns its id and agent credential. */
export async function enrollNode(
  app: FastifyInstance,
  token = TEST_ENROLLMENT_TOKEN,
  hostname = 'kong-1',
): Promise<{ nodeId: string; credential: string }> {
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/agents/enroll',
    headers: { authorization: `Bearer ${token}` },
    payload: { hostname, kongVersion: '3.9.1', role: 'traditional', agentVersion: '0.1.0' },
  });
  if (response.statusCode !== 201) throw new Error(`enroll failed: ${response.statusCode} ${response.body}`);
  return response.json();
}
