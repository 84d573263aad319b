/** One reading of the exposure and the limit in force at an instant. */
export interface ExposurePoint {
  at: string;
  total: string;
  limit: string | null;
}

interface HistoryEvent {
  type: string;
  occurredAt: string;
  data: Record<string, unknown>;
}

/**
 * The readings of the history (each exposure.statusChanged carries the total
 * and the limit at that moment), oldest first, and the exposure now. The history
 * route lists newest first by time and then by the engine's sequence, so its
 * order is kept (reversed) rather than re-sorted: two changes may share an instant.
 */
export function exposurePoints(history: HistoryEvent[], now: ExposurePoint): ExposurePoint[] {
  const points = history
    .filter((h) => h.type === 'exposure.statusChanged' && typeof h.data.total === 'string')
    .map((h) => ({
      at: h.occurredAt,
      total: String(h.data.total),
      limit: typeof h.data.limit === 'string' ? h.data.limit : null,
    }))
    .reverse();
  return [...points, now];
}
