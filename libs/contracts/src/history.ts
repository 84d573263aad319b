import { AnyOutputEvent, validateOutputEvent } from './outputs';

/**
 * An entry of a customer's history: an output event the engine published for
 * the customer, as the projector copies it into exposure_event (and a
 * document.held of an asynchronous check into hold). The engine queues each
 * entry as the JSON it published; this is that JSON read back.
 */
export type HistoryEntry = AnyOutputEvent;

export type HistoryEntryResult =
  { ok: true; entry: HistoryEntry } | { ok: false; field: string; message: string };

/**
 * Reads back a queued history entry: the published output event it must be,
 * checked against that event type's schema (the contract the engine published
 * it under), or the first violated rule, naming the field.
 */
export function decodeHistoryEntry(value: unknown): HistoryEntryResult {
  const validation = validateOutputEvent(value);
  if (!validation.ok) return { ok: false, field: validation.field, message: validation.message };
  return { ok: true, entry: value as HistoryEntry };
}
