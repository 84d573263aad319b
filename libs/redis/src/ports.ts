import { CustomerRecord, DocumentChanges } from '@credit/domain';
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
  /** The occurredAt (epoch ms) of each applied eventId: the memory forgets them by it. */
  appliedAt?: number[];
  /** The memory of applied eventIds forgets those that occurred before this (epoch ms): see appliedHorizon. */
  forgetAppliedBefore?: number | null;
  /**
   * The documents the write changed and archived (CustomerDraft.changes): only those are written.
   * NO_DOCUMENT_CHANGES keeps the documents stored (a review); `all` or absent writes every document.
   */
  documentChanges?: DocumentChanges | 'all';
  /**
   * The output messages this write publishes for the customer, kept for the history projection: each
   * one also in the commit's outbox (the same object), whose value the commit sends to Redis once.
   */
  events: OutboundMessage[];
  /** The holds this write creates (a document.held of a fresh decision): recorded pending (DocumentHolds). */
  holds?: CreatedHold[];
  /**
   * The company parameters the record was assessed with, as stored (CompanyParametersStore.stored; '' for
   * none), or NOT_REASSESSED. A pending review forced by a parameter change stays when they are no longer the
   * stored ones.
   */
  assessedWith: string;
}

/**
 * The assessedWith of a write that did not assess its record (every fact of the batch was ignored as a
 * re-send or beyond the horizon): its assessment is as old as its parameters, so a forced review stays.
 */
export const NOT_REASSESSED = '-';

/** A hold the engine creates: the document's hold of `generation`. */
export interface CreatedHold {
  documentType: string;
  documentId: string;
  generation: number;
}

/** A customer whose projection is behind, and the version that made it so. */
export interface ProjectionDue {
  key: string;
  version: number;
}

export interface Commit {
  /** The input partition whose state the commit changes: every customer written belongs to it. */
  partition: number;
  source?: SourcePosition;
  customers: CustomerWrite[];
  outbox: OutboundMessage[];
}

export type CommitResult = { ok: true } | { ok: false; conflict: 'offset' | 'version'; detail: string };

/** A customer due for review, and the day it is due (0: at once, e.g. after a parameter change). */
export interface DueReview {
  key: string;
  epochDay: number;
}

export interface QueuedEntry<T> {
  id: string;
  value: T;
}

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

/** The live state of every customer, the engine's positions and its outgoing queues, per input partition. */
export interface ExposureStore {
  position(topic: string, partition: number): Promise<PartitionPosition>;
  prepare(
    topic: string,
    partition: number,
    eventIdsByCustomer: Map<string, string[]>,
  ): Promise<FoldPreparation>;
  /** The stored records of these customers (those stored). */
  records(keys: string[]): Promise<Map<string, CustomerRecord>>;
  /** Writes everything or nothing; refuses when another writer moved a position or a customer first. */
  commit(commit: Commit): Promise<CommitResult>;
  /** The partition's output events not yet published, oldest first. */
  pendingOutbox(partition: number, limit: number): Promise<QueuedEntry<OutboundMessage>[]>;
  acknowledgeOutbox(partition: number, ids: string[]): Promise<void>;
  /** Up to `limit` of the partition's customers whose projection is behind (each once, however often it changed). */
  projectionsDue(partition: number, limit: number): Promise<ProjectionDue[]>;
  /** Clears the due marks of customers projected at (at least) these versions. */
  projected(partition: number, done: ProjectionDue[]): Promise<void>;
  /** The partition's output events (parsed envelopes) not yet copied into the history, oldest first. */
  pendingHistory(partition: number, limit: number): Promise<QueuedEntry<unknown[]>[]>;
  acknowledgeHistory(partition: number, ids: string[]): Promise<void>;
  dueForReview(partition: number, uptoEpochDay: number, limit: number): Promise<DueReview[]>;
}
