/** What the stream server reports it produced (GET /api/streams), for comparison with what we hold. */
import { useQuery } from '@tanstack/react-query';
import type { StreamStats } from '../protocol/stream';

/** The server's ClickHouse cluster, if it has one (GET /api/cluster): for the console's "Run on" choice. */
export function useClusterInfo(enabled: boolean) {
  return useQuery({
    queryKey: ['server-cluster'],
    // Asked only while the stream is connected: a server known to be down would log a refused request.
    enabled,
    staleTime: 60_000,
    retry: false,
    queryFn: async (): Promise<{ cluster: string; shards: number } | null> => {
      const res = await fetch('/api/cluster', { cache: 'no-store' });
      if (!res.ok) return null;
      const body: unknown = await res.json();
      if (typeof body !== 'object' || body === null || !('cluster' in body) || typeof body.cluster !== 'string') return null;
      return { cluster: body.cluster, shards: 'shards' in body && typeof body.shards === 'number' ? body.shards : 0 };
    },
  });
}

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
