/** What the stream server reports it produced (GET /api/streams), for comparison with what we hold. */
import { useQuery } from '@tanstack/react-query';
import type { StreamStats } from '../protocol/stream';

export function useServerStats(enabled: boolean) {
  return useQuery({
    queryKey: ['server-streams'],
    enabled,
    refetchInterval: 1000,
    retry: false,
    queryFn: async (): Promise<StreamStats[]> => {
      const res = await fetch('/api/streams', { cache: 'no-store' });
      if (!res.ok) throw new Error(`stats: HTTP ${res.status}`);
      return ((await res.json()) as { streams: StreamStats[] }).streams;
    },
  });
}
