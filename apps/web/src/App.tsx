import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, type ReactNode } from 'react';
import { LiveBanner, LiveIndicator } from './components/LiveBanner';
import { ErrorState, Loading } from './components/states';
import { Link, matchPath, navigate, useLocation } from './lib/router';
import { AuditPage } from './features/audit/components/AuditPage';
import { ApiTokensPage, EnrollmentTokensPage } from './features/admin/components/TokensPage';
import { UsersPage } from './features/admin/components/UsersPage';
import { AlarmsPage } from './features/alarms/components/AlarmsPage';
import { authKeys, logout } from './features/auth/api/auth-queries';
import { LoginPage, loginPath } from './features/auth/components/LoginPage';
import { hasRole, useSession } from './features/auth/hooks/use-session';
import { DatabaseDetail } from './features/databases/components/DatabaseDetail';
import { FleetOverview } from './features/databases/components/FleetOverview';
import { LiveProvider } from './features/live/hooks/live-context';
import { NodeDetailPage } from './features/nodes/components/NodeDetailPage';
import { NodesPage } from './features/nodes/components/NodesPage';
import { NewRolloutPage } from './features/rollouts/components/NewRolloutPage';
import { RolloutDetailPage } from './features/rollouts/components/RolloutDetailPage';
import { RolloutsPage } from './features/rollouts/components/RolloutsPage';
import { SandboxBanner } from './features/sandbox/components/SandboxBanner';
import { SandboxPage } from './features/sandbox/components/SandboxPage';
import type { Role, SessionUser } from '@iamroll/contracts';

interface NavItem {
  readonly to: string;
  readonly label: string;
  readonly role: Role;
}

const NAV: readonly NavItem[] = [
  { to: '/', label: 'Fleet', role: 'viewer' },
  { to: '/nodes', label: 'Nodes', role: 'viewer' },
  { to: '/alarms', label: 'Alarms', role: 'viewer' },
  { to: '/rollouts', label: 'Rollouts', role: 'viewer' },
  { to: '/audit', label: 'Audit log', role: 'admin' },
  { to: '/admin/users', label: 'Users', role: 'admin' },
  { to: '/admin/api-tokens', label: 'API tokens', role: 'admin' },
  { to: '/admin/enrollment-tokens', label: 'Enrollment tokens', role: 'admin' },
];

function isActive(to: string, pathname: string): boolean {
  return to === '/' ? pathname === '/' || pathname.startsWith('/databases') : pathname.startsWith(to);
}

function NeedsRole({ user, role, children }: { user: SessionUser; role: Role; children: ReactNode }) {
  if (hasRole(user, role)) return <>{children}</>;
  return (
    <div className="state error" role="alert">
      <p>
        This page needs the {role} role; you are signed in as {user.role}. Ask an admin.
      </p>
    </div>
  );
}

function Page({ user }: { user: SessionUser }) {
  const { pathname } = useLocation();
  let match: Record<string, string> | null;
  if (pathname === '/') return <FleetOverview />;
  if (pathname === '/nodes') return <NodesPage />;
  if ((match = matchPath('/nodes/:id', pathname))) return <NodeDetailPage key={match.id} id={match.id!} />;
  if ((match = matchPath('/databases/:id', pathname))) return <DatabaseDetail key={match.id} id={match.id!} />;
  if (pathname === '/alarms') return <AlarmsPage />;
  if (pathname === '/sandbox') return <SandboxPage />;
  if (pathname === '/rollouts') return <RolloutsPage />;
  if (pathname === '/rollouts/new') return <NewRolloutPage />;
  if ((match = matchPath('/rollouts/:id', pathname))) return <RolloutDetailPage key={match.id} id={match.id!} />;
  if (pathname === '/audit')
    return (
      <NeedsRole user={user} role="admin">
        <AuditPage />
      </NeedsRole>
    );
  if (pathname === '/admin/users')
    return (
      <NeedsRole user={user} role="admin">
        <UsersPage />
      </NeedsRole>
    );
  if (pathname === '/admin/api-tokens')
    return (
      <NeedsRole user={user} role="admin">
        <ApiTokensPage />
      </NeedsRole>
    );
  if (pathname === '/admin/enrollment-tokens')
    return (
      <NeedsRole user={user} role="admin">
        <EnrollmentTokensPage />
      </NeedsRole>
    );
  return (
    <div className="state empty">
      <h1>Not found</h1>
      <p>
        There is no page at <code>{pathname}</code>. <Link to="/">Go to the fleet overview</Link>.
      </p>
    </div>
  );
}

function Shell({ user }: { user: SessionUser }) {
  const { pathname } = useLocation();
  const queryClient = useQueryClient();
  const signOut = useMutation({
    mutationFn: logout,
    onSettled: () => {
      queryClient.clear();
      queryClient.setQueryData(authKeys.me(), null);
      navigate('/login', { replace: true });
    },
  });
  return (
    <LiveProvider>
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/" className="brand">
          <span className="brand-mark" aria-hidden="true">
            ◆
          </span>{' '}
          iamroll
        </Link>
        <nav aria-label="Main" className="nav">
          <ul>
            {NAV.filter((item) => hasRole(user, item.role)).map((item) => (
              <li key={item.to}>
                <Link to={item.to} aria-current={isActive(item.to, pathname) ? 'page' : undefined}>
                  {item.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="topbar-end">
          <LiveIndicator />
          <span className="user" data-testid="current-user">
            {user.username} <span className="badge badge-role">{user.role}</span>
          </span>
          <button type="button" className="link-button" onClick={() => signOut.mutate()}>
            Sign out
          </button>
        </div>
      </header>
      <SandboxBanner />
      <LiveBanner />
      <main id="main" className="content" tabIndex={-1}>
        <Page user={user} />
      </main>
    </LiveProvider>
  );
}

export function App() {
  const location = useLocation();
  const { user, query } = useSession();
  const isLoginPage = location.pathname === '/login';

  useEffect(() => {
    if (user === null && !isLoginPage) navigate(loginPath(location.href, false), { replace: true });
    if (user && isLoginPage) navigate('/', { replace: true });
  }, [user, isLoginPage, location.href]);

  if (isLoginPage) return user ? null : <LoginPage />;
  if (user === undefined) {
    if (query.isError)
      return (
        <main className="login" id="main">
          <ErrorState error={query.error} onRetry={() => void query.refetch()} />
        </main>
      );
    return <Loading label="Connecting to the controller…" />;
  }
  if (user === null) return null;
  return <Shell user={user} />;
}
