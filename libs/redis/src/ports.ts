import { CustomerRecord } from '@credit/domain';
import { OutboundMessage } from '@credit/kafka';

export interface SourcePosition {
  topic: string;
  partition: number;
  /** The applied offset read before folding (null: nothing applied yet). */
  expectedOffset: string | null;
  newOffset: string;
}

export interface CustomerWrite {
  key: string;
  /** The version read before folding; 0 for a new customer. */
  expectedVersion: number;
  record: CustomerRecord;
  appliedEventIds: string[];
  /** The output events (JSON) this write publishes for the customer, kept for the history projection. */
  events: string[];
}

/** A customer whose projection must be refreshed, with the events published for it in that step. */
export interface ProjectionEntry {
  key: string;
  events: string[];
}

export interface Commit {
  source?: SourcePosition;
  customers: CustomerWrite[];
  outbox: OutboundMessage[];
}

export type CommitResult = { ok: true } | { ok: false; conflict: 'offset' | 'version'; detail: string };

export interface LoadedCustomers {
  records: Map<string, CustomerRecord>;
  /** Per customer, the eventIds asked about that were applied before. */
  seen: Map<string, Set<string>>;
}

/** A customer due for review, and the day it is due (0: at once, e.g. after a parameter change). */
export interface DueReview {
  key: string;
  epochDay: number;
}

export interface QueuedEntry<T> {
  id: string;
  value: T;
}

/** The live state of every customer, the engine's positions and its outgoing queues. */
/** Where a partition stands, and which incarnation of the store it stands in. */
export interface PartitionPosition {
  appliedOffset: string | null;
  /** The store's epoch: its creation time in ms; null when the store was lost. */
  epoch: number | null;
}

/** What a fold needs to know before it starts, read in one round trip. */
export interface FoldPreparation {
  position: PartitionPosition;
  /** Each customer's stored version (0: not stored yet). */
  versions: Map<string, number>;
  /** Per customer, the eventIds asked about that were applied before. */
  seen: Map<string, Set<string>>;
}

export interface ExposureStore {
  position(topic: string, partition: number): Promise<PartitionPosition>;
  prepare(
    topic: string,
    partition: number,
    eventIdsByCustomer: Map<string, string[]>,
  ): Promise<FoldPreparation>;
  /** The stored records of these customers (those stored). */
  records(keys: string[]): Promise<Map<string, CustomerRecord>>;
  /** The store's epoch, created now if missing (then `created` is true: the state was empty or lost). */
  ensureEpoch(now: Date): Promise<{ epoch: number; created: boolean }>;
  load(eventIdsByCustomer: Map<string, string[]>): Promise<LoadedCustomers>;
  /** Writes everything or nothing; refuses when another writer moved a position or a customer first. */
  commit(commit: Commit): Promise<CommitResult>;
  pendingOutbox(limit: number): Promise<QueuedEntry<OutboundMessage>[]>;
  acknowledgeOutbox(ids: string[]): Promise<void>;
  pendingProjections(limit: number): Promise<QueuedEntry<ProjectionEntry>[]>;
  acknowledgeProjections(ids: string[]): Promise<void>;
  dueForReview(uptoEpochDay: number, limit: number): Promise<DueReview[]>;
}
