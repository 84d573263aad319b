import { customerKey } from '@credit/contracts';
import { Consumer, Kafka, Producer } from 'kafkajs';

export interface RawEvent {
  eventId: string;
  type: string;
  companyId: string;
  customerId: string;
  data: Record<string, unknown>;
  occurredAt?: string;
  schemaVersion?: number;
}

/** Produces input events the way an ERP would: JSON values keyed `<companyId>:<customerId>`. */
export class TestProducer {
  private readonly producer: Producer;

  constructor(kafka: Kafka) {
    this.producer = kafka.producer({ allowAutoTopicCreation: false });
  }

  connect() {
    return this.producer.connect();
  }

  disconnect() {
    return this.producer.disconnect();
  }

  events(topic: string, events: RawEvent[]) {
    return this.producer.send({
      topic,
      messages: events.map((e) => ({
        key: customerKey(e.companyId, e.customerId),
        value: JSON.stringify({ schemaVersion: 1, occurredAt: '2026-03-01T10:15:00+01:00', ...e }),
      })),
    });
  }

  raw(topic: string, key: string | null, value: Buffer | string) {
    return this.producer.send({ topic, messages: [{ key, value }] });
  }
}

export interface Received {
  key: string | null;
  value: Buffer;
  headers: Record<string, string>;
  partition: number;
  offset: string;
}

/** Collects everything published on some topics, from the beginning. */
export class TopicRecorder {
  readonly received = new Map<string, Received[]>();
  private readonly consumer: Consumer;

  constructor(
    kafka: Kafka,
    private readonly topics: string[],
    groupId: string,
  ) {
    this.consumer = kafka.consumer({ groupId, sessionTimeout: 10_000 });
    for (const topic of topics) this.received.set(topic, []);
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: this.topics, fromBeginning: true });
    await this.consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(message.headers ?? {})) headers[name] = String(value);
        this.received.get(topic)!.push({
          key: message.key?.toString() ?? null,
          value: message.value ?? Buffer.alloc(0),
          headers,
          partition,
          offset: message.offset,
        });
      },
    });
  }

  json(topic: string): Record<string, unknown>[] {
    return this.received.get(topic)!.map((m) => JSON.parse(m.value.toString()));
  }

  stop() {
    return this.consumer.disconnect();
  }
}

/** Polls until `probe` returns a value that passes `accept`, or fails with the last value seen. */
export async function eventually<T>(
  probe: () => Promise<T> | T,
  accept: (value: T) => boolean,
  timeoutMs = 30_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T;
  for (;;) {
    last = await probe();
    if (accept(last)) return last;
    if (Date.now() > deadline) {
      throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(last)}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
