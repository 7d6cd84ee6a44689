import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

// A router small enough to read: the History API, one store, and regex routes.
// The API serves index.html for every non-API path, so deep links work.

const listeners = new Set<() => void>();
function notify(): void {
  for (const listener of listeners) listener();
}
if (typeof window !== 'undefined') window.addEventListener('popstate', notify);

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

const currentPath = () => `${window.location.pathname}${window.location.search}`;

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === currentPath()) return;
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  notify();
}

export interface Location {
  readonly pathname: string;
  readonly search: URLSearchParams;
  /** pathname + search, e.g. for a `next=` parameter. */
  readonly href: string;
}

let cached: Location | null = null;
function snapshot(): Location {
  const href = currentPath();
  if (cached?.href !== href) {
    cached = { pathname: window.location.pathname, search: new URLSearchParams(window.location.search), href };
  }
  return cached;
}

export function useLocation(): Location {
  return useSyncExternalStore(subscribe, snapshot, snapshot);
}

/** Replaces the query string (filters live in the URL so a view can be shared and survives reload). */
export function setSearch(params: Record<string, string | undefined>): void {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value) search.set(key, value);
  const text = search.toString();
  navigate(`${window.location.pathname}${text ? `?${text}` : ''}`, { replace: true });
}

type LinkProps = AnchorHTMLAttributes<HTMLAnchorElement> & { readonly to: string };

export function Link({ to, onClick, ...rest }: LinkProps) {
  const handle = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    navigate(to);
  };
  return <a href={to} onClick={handle} {...rest} />;
}

/** `/nodes/:id` → the id, or null when the path does not match. */
export function matchPath(pattern: string, pathname: string): Record<string, string> | null {
  const names: string[] = [];
  const source = pattern.replace(/:([a-zA-Z]+)/g, (_match, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  const match = new RegExp(`^${source}/?$`).exec(pathname);
  if (!match) return null;
  return Object.fromEntries(names.map((name, index) => [name, decodeURIComponent(match[index + 1] ?? '')]));
}
