import { customerKey } from '@credit/contracts';
import { BenchStack } from './bench-stack';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const envelope = (customerId: string, eventId: string, type: string, data: Record<string, unknown>) => ({
  eventId,
  type,
  schemaVersion: 1,
  occurredAt: new Date().toISOString(),
  companyId: 'LAT',
  customerId,
  data,
});

/**
 * With a steady background load, the time from producing an order that moves a
 * customer across its limit to receiving the exposure.statusChanged it causes.
 * Samples alternate the order's amount so that each one crosses the limit.
 */
export async function breachLatency(stack: BenchStack, samples: number, backgroundRate: number) {
  const t = stack.engine.kafka.topics;
  const producer = stack.kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const customers = 20;
  await producer.send({
    topic: t.creditLimits,
    messages: Array.from({ length: customers }, (_, i) => ({
      key: customerKey('LAT', `L${i}`),
      value: JSON.stringify(
        envelope(`L${i}`, `lat-limit-${i}`, 'creditLimit.set', {
          amount: '1000.00',
          mode: 'warn',
          setBy: 'bench',
        }),
      ),
    })),
  });
  const consumer = stack.kafka.consumer({ groupId: `bench-latency-${stack.id}` });
  await consumer.connect();
  await consumer.subscribe({ topics: [t.breaches], fromBeginning: false });
  const waiting = new Map<string, (at: bigint) => void>();
  await consumer.run({
    eachMessage: async ({ message }) => {
      const at = process.hrtime.bigint();
      const event = JSON.parse(message.value!.toString());
      waiting.get(event.causationId)?.(at);
    },
  });
  await new Promise((r) => setTimeout(r, 3000));

  let background = true;
  let sent = 0;
  const backgroundLoad = (async () => {
    const perTick = Math.max(1, Math.round(backgroundRate / 20));
    let n = 0;
    while (background) {
      const tick = Date.now();
      const messages = Array.from({ length: perTick }, () => {
        n += 1;
        const customerId = `BG${n % 2000}`;
        return {
          key: customerKey('LAT', customerId),
          value: JSON.stringify(
            envelope(customerId, `bg-${n}`, 'order.confirmed', {
              orderId: `SO-${n % 5000}`,
              amount: `${(n % 900) + 1}.00`,
            }),
          ),
        };
      });
      await producer.send({ topic: t.documents, messages, acks: 1 });
      sent += messages.length;
      await new Promise((r) => setTimeout(r, Math.max(0, 50 - (Date.now() - tick))));
    }
  })();

  const latencies: number[] = [];
  const started = Date.now();
  for (let i = 0; i < samples; i++) {
    const customerId = `L${i % customers}`;
    const round = Math.floor(i / customers);
    const eventId = `lat-${i}`;
    const received = new Promise<bigint>((resolve) => waiting.set(eventId, resolve));
    const sentAt = process.hrtime.bigint();
    await producer.send({
      topic: t.documents,
      messages: [
        {
          key: customerKey('LAT', customerId),
          value: JSON.stringify(
            envelope(customerId, eventId, 'order.confirmed', {
              orderId: 'SO-LAT',
              amount: round % 2 === 0 ? '1500.00' : '100.00',
            }),
          ),
        },
      ],
      acks: 1,
    });
    const timeout = new Promise<bigint>((_, reject) =>
      setTimeout(() => reject(new Error(`no statusChanged for ${eventId}`)), 10_000),
    );
    const at = await Promise.race([received, timeout]);
    waiting.delete(eventId);
    latencies.push(Number(at - sentAt) / 1e6);
  }
  const elapsed = (Date.now() - started) / 1000;
  background = false;
  await backgroundLoad;
  await consumer.disconnect();
  await producer.disconnect();
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    samples: latencies.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1],
    backgroundEventsPerSecond: sent / elapsed,
  };
}
