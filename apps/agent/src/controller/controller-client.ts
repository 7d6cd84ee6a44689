import type { EnrollBody, EnrollResponse, HeartbeatBody, HeartbeatReply } from '@iamroll/contracts';

/** A refusal or failure from the controller; the message never holds a credential. */
export class ControllerError extends Error {
  override readonly name = 'ControllerError';
  constructor(
    message: string,
    /** HTTP status; 0 when the controller could not be reached. */
    readonly status: number,
  ) {
    super(message);
  }
}

/** The agent's only way to the controller: HTTP, JSON, a bearer token per call. */
export class ControllerClient {
  readonly #baseUrl: string;

  constructor(
    baseUrl: string,
    private readonly timeoutMs = 10_000,
  ) {
    this.#baseUrl = baseUrl.replace(/\/+$/, '');
  }

  enroll(enrollmentToken: string, body: EnrollBody): Promise<EnrollResponse> {
    return this.#post('/api/v1/agents/enroll', enrollmentToken, body, 201);
  }

  heartbeat(nodeId: string, credential: string, body: HeartbeatBody): Promise<HeartbeatReply> {
    return this.#post(`/api/v1/nodes/${encodeURIComponent(nodeId)}/heartbeat`, credential, body, 200);
  }

  async #post<T>(path: string, bearer: string, body: unknown, expected: number): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.#baseUrl}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new ControllerError(`cannot reach the controller at ${this.#baseUrl}: ${(error as Error).message}`, 0);
    }
    const text = await response.text();
    if (response.status !== expected) {
      let message = text.slice(0, 300);
      try {
        message = (JSON.parse(text) as { message?: string }).message ?? message;
      } catch {
        // not JSON: keep the text
      }
      throw new ControllerError(`POST ${path} answered ${response.status}: ${message}`, response.status);
    }
    return JSON.parse(text) as T;
  }
}
