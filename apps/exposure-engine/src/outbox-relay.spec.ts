import { MessagePublisher, OutboundMessage } from '@credit/kafka';
import { EngineMetrics } from '@credit/observability';
import { ExposureStore, Lease } from '@credit/redis';
import { OutboxRelay, RelayLeaseOf, withinBytes } from './outbox-relay';

const entry = (id: string, bytes: number) => ({
  id,
  value: { topic: 't', key: 'IT01:C1', value: 'x'.repeat(bytes), headers: { 'dlq.reason': 'TOO_LARGE' } },
});

describe('withinBytes', () => {
  it('keeps the head of the outbox that fits, in order', () => {
    const entries = [entry('1', 400), entry('2', 400), entry('3', 400)];
    expect(withinBytes(entries, 1000).map((e) => e.id)).toEqual(['1', '2']);
    expect(withinBytes(entries, 10_000).map((e) => e.id)).toEqual(['1', '2', '3']);
  });

  it('always takes at least one entry, however large, so the outbox never stalls on it', () => {
    expect(withinBytes([entry('big', 5000), entry('2', 10)], 1000).map((e) => e.id)).toEqual(['big']);
    expect(withinBytes([], 1000)).toEqual([]);
  });
});

describe('OutboxRelay: one relay per partition, by the partition’s owner under its lease', () => {
  /** Leases as Redis keeps them: one holder per partition. */
  const holders = new Map<number, string>();
  const leaseOf =
    (owner: string): RelayLeaseOf =>
    (partition) =>
      ({
        acquireOrRenew: async () => {
          const holder = holders.get(partition);
          if (holder !== undefined && holder !== owner) return false;
          holders.set(partition, owner);
          return true;
        },
        release: async () => {
          if (holders.get(partition) === owner) holders.delete(partition);
        },
      }) as unknown as Lease;
  const outboxes = new Map<number, string[]>();
  const store = {
    pendingOutbox: async (partition: number) =>
      (outboxes.get(partition) ?? []).map((id) => ({
        id,
        value: { topic: 't', key: `k${partition}`, value: id },
      })),
    acknowledgeOutbox: async (partition: number, ids: string[]) =>
      void outboxes.set(
        partition,
        (outboxes.get(partition) ?? []).filter((id) => !ids.includes(id)),
      ),
  } as unknown as ExposureStore;
  const published: string[] = [];
  const publisher = {
    publish: async (messages: OutboundMessage[]) =>
      void published.push(...messages.map((m) => String(m.value))),
  } as unknown as MessagePublisher;
  const relayOwning = (owner: string, owned: { partitions: number[] }) =>
    new OutboxRelay(store, publisher, leaseOf(owner), () => owned.partitions, new EngineMetrics());

  beforeEach(() => {
    holders.clear();
    published.length = 0;
    outboxes.clear();
  });

  it('publishes only the partitions it owns, and leaves a partition alone while another instance holds its lease', async () => {
    outboxes.set(0, ['p0-a']).set(1, ['p1-a']).set(2, ['p2-a']);
    const a = relayOwning('a', { partitions: [0, 1] });
    const b = relayOwning('b', { partitions: [1, 2] });
    expect(await a.relay()).toBe(true);
    expect(published.sort()).toEqual(['p0-a', 'p1-a']);
    outboxes.set(1, ['p1-b']);
    await b.relay();
    // Partition 1 is still a's: b relays partition 2 only.
    expect(published).not.toContain('p1-b');
    expect(published).toContain('p2-a');
    expect(holders.get(1)).toBe('a');
  });

  it('lets a partition go as soon as it is no longer assigned, so its new owner relays it at once', async () => {
    outboxes.set(1, ['p1-a']);
    const ownedByA = { partitions: [1] };
    const a = relayOwning('a', ownedByA);
    const b = relayOwning('b', { partitions: [1] });
    await a.relay();
    outboxes.set(1, ['p1-b']);
    ownedByA.partitions = [];
    await a.relay();
    expect(holders.has(1)).toBe(false);
    await b.relay();
    expect(published).toEqual(['p1-a', 'p1-b']);
    expect(holders.get(1)).toBe('b');
  });
});
