/** What the apps see of Kafka: batches in, messages out. */
export interface InboundMessage {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  timestamp: string;
  /** The message's headers as text; only read when the consumer asks for them (`withHeaders`). */
  headers?: Record<string, string>;
}

export interface InboundBatch {
  topic: string;
  partition: number;
  messages: InboundMessage[];
  /**
   * The offset the consumer asked this batch from: the messages between the
   * store's applied offset and it were skipped (a store behind Kafka's
   * committed offset). Absent when unknown (tests building batches by hand).
   */
  fetchedOffset?: string;
  /** The partition's end (next offset to be written) when the batch was fetched. */
  highWatermark?: string;
}

/**
 * What a batch handler asks of the consumer: go on, read every assigned
 * partition again from the start (the state was lost), or read this partition
 * again from an offset (the state is behind the batch).
 */
export type BatchOutcome = 'folded' | 'replay' | { rewindTo: string };

export interface OutboundMessage {
  topic: string;
  key: Buffer | string | null;
  value: Buffer | string;
  headers?: Record<string, string>;
}

export interface MessagePublisher {
  /** Resolves once every message is acknowledged by all in-sync replicas. */
  publish(messages: OutboundMessage[]): Promise<void>;
}
