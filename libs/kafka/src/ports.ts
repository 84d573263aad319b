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
}

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
