import { useEffect, useState } from 'react';

/** The time, re-read every `intervalMs` while `isTicking` (a countdown on screen), else once. */
export function useNow(isTicking: boolean, intervalMs = 1_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!isTicking) return;
    const tick = () => setNow(Date.now());
    // At once too: the time read at mount may be long past when a countdown starts.
    const first = setTimeout(tick, 0);
    const timer = setInterval(tick, intervalMs);
    return () => {
      clearTimeout(first);
      clearInterval(timer);
    };
  }, [isTicking, intervalMs]);
  return now;
}
