import { useIsFetching, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useLive } from '../features/live/hooks/live-context';

/** Shown while the event stream is down: the page may be out of date until it is back. */
export function LiveBanner() {
  const live = useLive();
  const queryClient = useQueryClient();
  const isFetching = useIsFetching() > 0;
  const [nowMs, setNowMs] = useState(() => Date.now());
  useEffect(() => {
    if (live.status !== 'reconnecting') return;
    const timer = setInterval(() => setNowMs(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [live.status]);
  if (live.status !== 'reconnecting') return null;
  const downForSeconds = live.droppedAtMs ? Math.max(0, Math.round((nowMs - live.droppedAtMs) / 1000)) : 0;
  return (
    <div className="banner banner-down" role="alert" data-testid="live-banner">
      <span>
        <strong>Live updates lost</strong> {downForSeconds} s ago: the event stream from the controller dropped (is it
        running?), so what you see may be out of date. Reconnecting automatically
        {live.retryInMs ? ` (next try in about ${Math.ceil(live.retryInMs / 1000)} s)` : '…'}
      </span>
      <button
        type="button"
        disabled={isFetching}
        onClick={() => {
          live.retryNow();
          void queryClient.invalidateQueries();
        }}
      >
        Retry now
      </button>
    </div>
  );
}

/** A small dot in the header: live, connecting, or down. */
export function LiveIndicator() {
  const { status } = useLive();
  const label = status === 'live' ? 'Live' : status === 'connecting' ? 'Connecting…' : 'Offline';
  return (
    <span className={`live live-${status}`} role="status" data-testid="live-indicator">
      <span className="dot" aria-hidden="true" /> {label}
    </span>
  );
}
