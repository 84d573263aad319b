/**
 * The fold of long customer histories, in process (no Kafka, no Redis): ten
 * customers live through 2,000 complete sales cycles each (order, delivery,
 * invoice, posting with an open item, payment: 10,000 events), fed in four
 * phases. Per phase: the rate of the engine's domain work per batch (open a
 * draft, apply + assess every fact, archive, finish, encode the record), and
 * the encoded record size per customer at the end of the phase (rates are
 * per CPU second of this process). The figure
 * that matters is last phase / first phase: constant cost per event.
 *
 *   node dist/bench/src/history-domain.js [cycles] [customers] [batch] [quietDays]   (after npm run build)
 */
import {
  CustomerDraft,
  DEFAULT_PARAMETERS,
  encodeState,
  Fact,
  FactData,
  newCustomerRecord,
  planReview,
  reassess,
} from '@credit/domain';

const DAY_MS = 86_400_000;
const BASE = Date.UTC(2021, 0, 4);
const cycles = Number(process.argv[2] ?? 2000);
const customers = Number(process.argv[3] ?? 10);
const batchSize = Number(process.argv[4] ?? 100);
const quietDays = Number(process.argv[5] ?? 35);
const PHASES = 4;

const dateOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Cycle k of a customer: one every 0.9 days, paid 30 days after its posting. */
function cycleFacts(customerId: string, k: number): { at: number; data: FactData }[] {
  const start = BASE + Math.floor(k * 0.9 * DAY_MS);
  const amount = BigInt(10_000 + (k % 97) * 100);
  const posted = start + 2 * DAY_MS;
  const paid = posted + 30 * DAY_MS;
  return [
    { at: start, data: { type: 'order.confirmed', orderId: `O${k}`, amount } },
    {
      at: start + DAY_MS,
      data: {
        type: 'delivery.issued',
        deliveryId: `D${k}`,
        amount,
        orderRefs: [{ orderId: `O${k}`, amount }],
      },
    },
    {
      at: start + DAY_MS + 3_600_000,
      data: {
        type: 'invoice.issued',
        invoiceId: `I${k}`,
        kind: 'invoice',
        amount,
        deliveryRefs: [{ deliveryId: `D${k}`, amount }],
        orderRefs: [],
      },
    },
    {
      at: posted,
      data: {
        type: 'journal.posted',
        entryId: `J${k}`,
        postingDate: dateOf(posted),
        lines: [
          {
            lineId: '1',
            side: 'debit',
            amount,
            invoiceRef: `I${k}`,
            openItemId: `P${k}`,
            dueDate: dateOf(posted + 30 * DAY_MS),
          },
        ],
      },
    },
    {
      at: paid,
      data: {
        type: 'journal.posted',
        entryId: `PAY${k}`,
        postingDate: dateOf(paid),
        lines: [{ lineId: '1', side: 'credit', amount, settles: [{ openItemId: `P${k}`, amount }] }],
      },
    },
  ].map((e) => ({ ...e, customerId })) as { at: number; data: FactData }[];
}

function main(): void {
  const params = DEFAULT_PARAMETERS;
  const histories = Array.from({ length: customers }, (_, c) => {
    const facts = Array.from({ length: cycles }, (_, k) => cycleFacts(`C${c}`, k)).flat();
    // Events in occurredAt order, as a merge of the two topics would bring them.
    facts.sort((a, b) => a.at - b.at);
    return facts.map(
      ({ at, data }, n) =>
        ({
          ...data,
          eventId: `C${c}-${n}`,
          occurredAt: new Date(at).toISOString(),
          companyId: 'IT01',
          customerId: `C${c}`,
        }) as Fact,
    );
  });
  const records = histories.map((_, c) => newCustomerRecord('IT01', `C${c}`));
  const perPhase = Math.ceil(histories[0].length / PHASES);
  const rates: number[] = [];
  for (let phase = 0; phase < PHASES; phase++) {
    let events = 0;
    let bytes = 0;
    // CPU time, not wall time: the figure must not depend on what else the machine runs.
    const started = process.cpuUsage();
    for (let c = 0; c < customers; c++) {
      const facts = histories[c].slice(phase * perPhase, (phase + 1) * perPhase);
      for (let b = 0; b < facts.length; b += batchSize) {
        let record = records[c];
        const draft = CustomerDraft.take(record.documents, 35, quietDays);
        for (const fact of facts.slice(b, b + batchSize)) {
          if (draft.apply(fact).kind !== 'applied') continue;
          const businessDate = fact.occurredAt.slice(0, 10);
          record = reassess(record, draft.documents, businessDate, params, false, null, draft.figures).record;
          events += 1;
        }
        draft.archiveQuiet();
        record = planReview({ ...record, documents: draft.finish() }, params);
        bytes = encodeState(record).length;
        records[c] = record;
      }
    }
    const used = process.cpuUsage(started);
    const seconds = (used.user + used.system) / 1e6;
    rates.push(events / seconds);
    const live = records[0].documents;
    console.log(
      `phase ${phase + 1}: ${Math.round(events / seconds)} events/s, record ${Math.round(bytes / 1024)} KiB ` +
        `(customer C${customers - 1}; live orders ${live.orders.size}, entries ${live.journal.size}, ` +
        `tombstones ${live.archive?.tombstones.size ?? 0})`,
    );
  }
  console.log(`last/first = ${(rates[PHASES - 1] / rates[0]).toFixed(2)}`);
}

main();
