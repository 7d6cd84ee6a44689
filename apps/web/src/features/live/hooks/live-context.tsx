import { useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { openLiveStream, type LiveStatus, type LiveStream } from '../../../lib/event-stream';
import { authKeys } from '../../auth/api/auth-queries';
import { applyServerEvent, EVENT_TYPES } from '../api/apply-event';

export interface LiveState {
  readonly status: LiveStatus;
  readonly retryInMs: number | null;
  /** When the stream last dropped (epoch ms), for "since" in the banner. */
  readonly droppedAtMs: number | null;
  readonly retryNow: () => void;
}

const LiveContext = createContext<LiveState>({
  status: 'connecting',
  retryInMs: null,
  droppedAtMs: null,
  retryNow: () => undefined,
});

export function useLive(): LiveState {
  return useContext(LiveContext);
}

/** Holds the SSE stream while signed in: patches and invalidates queries, and reports its status. */
export function LiveProvider({ children, url = '/api/v1/events' }: { children: ReactNode; url?: string }) {
  const queryClient = useQueryClient();
  const streamRef = useRef<LiveStream | null>(null);
  const [state, setState] = useState<Omit<LiveState, 'retryNow'>>({
    status: 'connecting',
    retryInMs: null,
    droppedAtMs: null,
  });

  useEffect(() => {
    const stream = openLiveStream({
      url,
      eventTypes: EVENT_TYPES,
      onEvent: (type, data) => applyServerEvent(queryClient, type, data),
      onStatus: (status, retryInMs) => {
        setState((previous) => ({
          status,
          retryInMs,
          droppedAtMs:
            status === 'live' ? null : (previous.droppedAtMs ?? (status === 'reconnecting' ? Date.now() : null)),
        }));
        // A drop may be the session ending: asking /auth/me tells (401 → the login page).
        if (status === 'reconnecting' && retryInMs !== null) {
          void queryClient.invalidateQueries({ queryKey: authKeys.me() });
        }
      },
      // No replay on the server: whatever happened while away is refetched.
      onReconnected: () => void queryClient.invalidateQueries(),
    });
    streamRef.current = stream;
    return () => {
      stream.close();
      streamRef.current = null;
    };
  }, [queryClient, url]);

  const value: LiveState = { ...state, retryNow: () => streamRef.current?.retryNow() };
  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>;
}
