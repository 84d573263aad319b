import { createContext, useContext, useEffect, useRef } from 'react';
import { Api, LiveChange, Me } from './api';

export interface Session {
  api: Api;
  me: Me;
  companyId: string;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('no session');
  return session;
}

/** Fan-out of the one live stream of the page to the components that listen. */
export class LiveHub {
  private readonly listeners = new Set<{ onChange: (e: LiveChange) => void; onReady: () => void }>();

  emitChange(event: LiveChange): void {
    for (const l of this.listeners) l.onChange(event);
  }

  emitReady(): void {
    for (const l of this.listeners) l.onReady();
  }

  listen(listener: { onChange: (e: LiveChange) => void; onReady: () => void }): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

export const LiveContext = createContext<LiveHub>(new LiveHub());

/** Calls the latest `onChange` / `onReady` of the component for every live event. */
export function useLive(onChange: (e: LiveChange) => void, onReady: () => void): void {
  const hub = useContext(LiveContext);
  const latest = useRef({ onChange, onReady });
  latest.current = { onChange, onReady };
  useEffect(
    () =>
      hub.listen({
        onChange: (e) => latest.current.onChange(e),
        onReady: () => latest.current.onReady(),
      }),
    [hub],
  );
}

/** Exposure fields an event announces; the projection read over HTTP may lag behind it for a moment. */
export type Expected = Partial<{ status: string; blocked: boolean; overdueAmount: string; total: string }>;

export function expectationOf(event: LiveChange): Expected | null {
  const d = event.data;
  switch (event.type) {
    case 'exposure.statusChanged':
      return { status: String(d.to), total: String(d.total) };
    case 'overdue.changed':
      return { overdueAmount: String(d.overdueAmount) };
    case 'customer.blocked':
      return { blocked: true };
    case 'customer.unblocked':
      return { blocked: false };
    default:
      return null;
  }
}

export function meets(row: Record<string, unknown>, expected: Expected): boolean {
  return Object.entries(expected).every(([k, v]) => row[k] === v);
}
