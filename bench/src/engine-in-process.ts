/**
 * The engine's fold in process, without Kafka: FoldService.foldBatch, as the
 * consumer calls it, on the main bench's events (seed 42, 20 events per
 * customer), against the real Redis of a private stack. It tells the
 * engine's own cost per event apart from the consumer's and from the other
 * processes the bench runs on the same cores; run it under `node --cpu-prof`
 * to see where that cost goes (docs/performance.md).
 *
 *   node --max-semi-space-size=64 dist/bench/src/engine-in-process.js [customers] [batch]   (after npm run build)
 */
import 'reflect-metadata';
import { customerKey, inputMessage, InputStream, RawEnvelope } from '@credit/contracts';
import { InboundBatch, partitionOfKey } from '@credit/kafka';
import { createEngineApp } from '../../apps/exposure-engine/src/app';
import { FoldService } from '../../apps/exposure-engine/src/fold.service';
import { generateScenario } from '../../apps/erp-simulator/src/scenario';
import { benchStack } from './bench-stack';

const customers = Number(process.argv[2] ?? 10_000);
const batchSize = Number(process.argv[3] ?? 2_000);
const PARTITIONS = 3;

async function main(): Promise<void> {
  const stack = await benchStack(PARTITIONS);
  const app = await createEngineApp({ settings: { ...stack.engine, role: 'fold' } }, false);
  try {
    const fold = app.get(FoldService);
    await fold.adoptStoreEpoch();
    const { streams } = generateScenario({
      seed: 42,
      companies: ['IT01'],
      customers,
      eventsPerCustomer: 20,
      startDate: '2026-05-01',
    });
    const batches: InboundBatch[] = [];
    for (const [stream, envelopes] of Object.entries(streams) as [InputStream, RawEnvelope[]][]) {
      const topic = stack.engine.kafka.topics[stream];
      // Each customer on one partition, in its order, as Kafka's keyed partitioning puts it.
      const partitions: RawEnvelope[][] = Array.from({ length: PARTITIONS }, () => []);
      for (const e of envelopes)
        partitions[partitionOfKey(customerKey(e.companyId, e.customerId), PARTITIONS)].push(e);
      partitions.forEach((list, partition) => {
        for (let i = 0; i < list.length; i += batchSize)
          batches.push({
            topic,
            partition,
            messages: list.slice(i, i + batchSize).map((e, j) => ({
              topic,
              partition,
              ...inputMessage(e),
              offset: String(i + j),
              timestamp: String(Date.now()),
            })),
          });
      });
    }
    // The topics' batches taken in turn, as the consumer's fetches bring them.
    batches.sort((a, b) => Number(a.messages[0].offset) - Number(b.messages[0].offset));
    const total = batches.reduce((n, b) => n + b.messages.length, 0);
    const cpu = process.cpuUsage();
    const started = performance.now();
    for (const batch of batches) {
      const outcome = await fold.foldBatch(batch);
      if (outcome !== 'folded') throw new Error(`unexpected outcome ${JSON.stringify(outcome)}`);
    }
    const wallMs = performance.now() - started;
    const used = process.cpuUsage(cpu);
    console.log(
      `${total} events, ${customers} customers, batches of ${batchSize}: ` +
        `${Math.round((total / wallMs) * 1000)} events/s, ` +
        `${((used.user + used.system) / total).toFixed(1)} µs CPU per event in this process`,
    );
  } finally {
    await app.close();
    await stack.cleanup();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
