import { QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { authKeys } from './features/auth/api/auth-queries';
import { loginPath } from './features/auth/components/LoginPage';
import { createQueryClient } from './lib/query-client';
import { navigate } from './lib/router';
import './styles.css';

const queryClient = createQueryClient(() => {
  // The session ended: forget what it could see; App sends the user to /login?next=….
  queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== authKeys.all[0] });
  queryClient.setQueryData(authKeys.me(), null);
  if (window.location.pathname !== '/login')
    navigate(loginPath(`${window.location.pathname}${window.location.search}`, true), { replace: true });
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <App />
    </QueryClientProvider>
  </StrictMode>,
);
