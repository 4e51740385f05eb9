/**
 * Whether the stream is offline, for the status bar. While the server cannot be reached the socket
 * goes backoff -> connecting -> backoff ... every few seconds; naming each step ("connecting…") made
 * the status flicker and never said the plain fact: the app is offline and works from its own log.
 */
import { useRef } from 'react';
import type { ConnectionState as Connection } from '../../ingest/worker/protocol';

/** Offline from a failed attempt until the socket opens (or is stopped on purpose); a retry keeps it offline. */
export function stillOffline(wasOffline: boolean, connection: Connection): boolean {
  if (connection === 'backoff') return true;
  if (connection === 'connecting') return wasOffline;
  return false;
}

/** Since when the stream has been offline (ms since the epoch), or null: `stillOffline` over the states a component has seen. */
export function useStreamOffline(connection: Connection): number | null {
  const since = useRef<number | null>(null);
  // Idempotent for the same input, so a render React repeats or drops cannot skew it.
  if (!stillOffline(since.current !== null, connection)) since.current = null;
  else since.current ??= Date.now();
  return since.current;
}
