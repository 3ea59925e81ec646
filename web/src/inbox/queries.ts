import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { api } from '../api/endpoints';
import type { User } from '../api/types';
import { keys } from './cache';

const LONG = 5 * 60_000;

/** The tenant's users by id (names of agents, presence dots); kept live by presence events. */
export function useUsers(): Map<string, User> {
  const { data } = useQuery({ queryKey: keys.users, queryFn: api.users, staleTime: LONG });
  return useMemo(() => new Map((data?.data ?? []).map((u) => [u.id, u])), [data]);
}

export const useTags = () => useQuery({ queryKey: keys.tags, queryFn: api.tags, staleTime: LONG });

export const useBots = (enabled: boolean) =>
  useQuery({ queryKey: keys.bots, queryFn: api.bots, staleTime: LONG, enabled });
