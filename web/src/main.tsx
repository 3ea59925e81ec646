import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiError } from './api/http';
import { session } from './api/session';
import { App } from './App';
import { applyStoredTheme } from './settings/theme';
import './styles.css';

applyStoredTheme();

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // Sockets keep the cache live; refetching on focus would only spend the request budget.
      staleTime: 60_000,
      refetchOnWindowFocus: false,
      retry: (failures, err) =>
        failures < 2 && !(err instanceof ApiError && err.status > 0 && err.status < 500),
    },
  },
});

// Logged out (here, in another tab, or because the session expired): nothing of it stays around.
let userId = session.get()?.user.id;
session.subscribe(() => {
  const next = session.get()?.user.id;
  if (next !== userId) queryClient.clear();
  userId = next;
});

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <App />
    </QueryClientProvider>
  </StrictMode>,
);
