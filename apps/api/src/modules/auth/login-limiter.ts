import { AppError } from '../../errors';

const WINDOW_MS = 60_000;
/** Past this many keys, windows that have ended are swept (one pass, not per call). */
const SWEEP_AT_KEYS = 10_000;

export interface LoginLimits {
  /** Failed attempts per client address and username per minute: guessing one account is slow. */
  readonly perUserPerMinute: number;
  /** Failed attempts per client address per minute, whatever the usernames: password spraying is slow too. */
  readonly perClientPerMinute: number;
  readonly nowMs?: () => number;
}

interface Window {
  startMs: number;
  count: number;
}

/** A counted login attempt (a failure keeps it counted, a success gives it back), or a refusal. */
export type LoginAttempt =
  | { readonly isAllowed: true; succeeded(): void }
  | { readonly isAllowed: false; readonly retryAfterSeconds: number; readonly error: AppError };

/**
 * Login rate limits in memory (per process), counted in fixed one-minute windows. An
 * attempt is counted when it starts, so parallel guesses cannot all slip past the check,
 * and given back when the password was right: signing in does not use up the limit.
 */
export function createLoginLimiter({ perUserPerMinute, perClientPerMinute, nowMs = Date.now }: LoginLimits) {
  const windows = new Map<string, Window>();

  const current = (key: string, now: number): Window => {
    let window = windows.get(key);
    if (!window || now - window.startMs >= WINDOW_MS) {
      if (windows.size >= SWEEP_AT_KEYS)
        for (const [other, w] of windows) if (now - w.startMs >= WINDOW_MS) windows.delete(other);
      window = { startMs: now, count: 0 };
      windows.set(key, window);
    }
    return window;
  };

  const refused = (window: Window, now: number, what: string): LoginAttempt => {
    const retryAfterSeconds = Math.max(1, Math.ceil((window.startMs + WINDOW_MS - now) / 1000));
    const message = `Too many failed logins ${what}: try again in ${retryAfterSeconds} seconds.`;
    return { isAllowed: false, retryAfterSeconds, error: new AppError('rate_limited', message) };
  };

  return {
    /** Refused (`rate_limited`, 429) when either limit is used up; otherwise the attempt is counted. */
    begin(clientIp: string, username: string): LoginAttempt {
      const now = nowMs();
      const byClient = current(`client|${clientIp}`, now);
      const byUser = current(`user|${clientIp}|${username.toLowerCase()}`, now);
      if (byUser.count >= perUserPerMinute) return refused(byUser, now, 'for this username from your address');
      if (byClient.count >= perClientPerMinute) return refused(byClient, now, 'from your address');
      byClient.count += 1;
      byUser.count += 1;
      let isSettled = false;
      return {
        isAllowed: true,
        succeeded() {
          if (isSettled) return;
          isSettled = true;
          byClient.count = Math.max(0, byClient.count - 1);
          byUser.count = Math.max(0, byUser.count - 1);
        },
      };
    },
  };
}

export type LoginLimiter = ReturnType<typeof createLoginLimiter>;
