import { useSyncExternalStore } from 'react';

const subscribe = (listener: () => void) => {
  document.addEventListener('visibilitychange', listener);
  return () => document.removeEventListener('visibilitychange', listener);
};

/** Whether the tab is on screen (a message in a hidden tab is not read yet). */
export const useDocumentVisible = () =>
  useSyncExternalStore(subscribe, () => document.visibilityState === 'visible');
