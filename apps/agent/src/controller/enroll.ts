import { readIfExists, writeFileAtomic } from '../files/atomic-file';
import type { ControllerClient } from './controller-client';
import type { EnrollBody } from '@iamroll/contracts';

export interface AgentIdentity {
  readonly nodeId: string;
  readonly credential: string;
}

/**
 * Enrolls once: the credential the controller returns is kept in the state directory
 * (mode 0600) and reused on every later start; the enrollment token is needed only the
 * first time, and is never written anywhere by the agent.
 */
export async function ensureEnrolled(
  client: ControllerClient,
  credentialPath: string,
  enrollmentToken: () => Promise<string | undefined>,
  body: EnrollBody,
): Promise<AgentIdentity> {
  const stored = await readIfExists(credentialPath);
  if (stored) return JSON.parse(stored.toString('utf8')) as AgentIdentity;
  const token = await enrollmentToken();
  if (!token)
    throw new Error(
      'this node is not enrolled yet: give an enrollment token with --enrollment-token-file FILE or IAMROLL_ENROLLMENT_TOKEN (never on the command line)',
    );
  const enrolled = await client.enroll(token, body);
  const identity: AgentIdentity = { nodeId: enrolled.nodeId, credential: enrolled.credential };
  await writeFileAtomic(credentialPath, `${JSON.stringify(identity)}\n`, { mode: 0o600 });
  return identity;
}
