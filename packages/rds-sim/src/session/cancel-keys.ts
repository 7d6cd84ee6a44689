import { randomInt } from 'node:crypto';

export interface UpstreamKey {
  readonly processId: number;
  readonly secretKey: number;
}

export interface IssuedKey extends UpstreamKey {
  /** Forget the key when the session ends, so a late cancel cannot hit a reused upstream backend. */
  readonly release: () => void;
}

/**
 * The client sees keys the simulator made up (as RDS shows its own process
 * ids); a CancelRequest carrying one is relayed with the upstream backend's
 * real key. One registry per simulated instance: keys do not cross instances.
 */
export class CancelKeys {
  readonly #sessions = new Map<number, { secretKey: number; upstream: UpstreamKey }>();

  issue(upstream: UpstreamKey): IssuedKey {
    let processId: number;
    do processId = randomInt(1, 2 ** 31 - 1);
    while (this.#sessions.has(processId));
    const secretKey = randomInt(-(2 ** 31), 2 ** 31 - 1);
    this.#sessions.set(processId, { secretKey, upstream });
    return { processId, secretKey, release: () => this.#sessions.delete(processId) };
  }

  /** The upstream key for a client's cancel, or undefined (unknown pid or wrong secret: ignored, as PostgreSQL does). */
  resolve(processId: number, secretKey: number): UpstreamKey | undefined {
    const session = this.#sessions.get(processId);
    return session?.secretKey === secretKey ? session.upstream : undefined;
  }
}
