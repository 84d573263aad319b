import { partitionOfKey } from '@credit/kafka';
import { RedisKeys } from './keys';

/** The hash tag Redis Cluster hashes: the text between the first `{` and the next `}`. */
const hashTag = (key: string) => /\{([^}]*)\}/.exec(key)?.[1];

describe('RedisKeys: every key of an input partition in one slot of a Redis Cluster', () => {
  const keys = new RedisKeys('ce:', 6);
  const customers = Array.from({ length: 200 }, (_, i) => `IT01:C${i}`);

  it('tags a customer’s keys with the partition Kafka’s default partitioner gives its key', () => {
    for (const customer of customers) {
      const partition = partitionOfKey(customer, 6);
      expect(keys.partitionOf(customer)).toBe(partition);
      for (const key of [
        keys.customer(customer),
        keys.appliedIds('erp.documents', customer),
        keys.documentHolds(customer),
      ]) {
        expect(hashTag(key)).toBe(String(partition));
      }
    }
    // Customers of every partition, so the keys above were not all one tag by chance.
    expect(new Set(customers.map((c) => keys.partitionOf(c))).size).toBe(6);
  });

  it('tags every key a commit of partition p touches with p, and the global keys with one other tag', () => {
    const partitionKeys = (p: number) => [
      keys.applied('erp.documents', p),
      keys.applied('-', p),
      keys.outbox(p),
      keys.projectionDue(p),
      keys.history(p),
      keys.review(p),
      keys.rebuild(p),
      keys.relayLease(p),
      keys.companyCustomers('IT01', p),
      keys.reviewedParameters('IT01', p),
    ];
    for (const p of keys.allPartitions()) {
      expect(new Set(partitionKeys(p).map(hashTag))).toEqual(new Set([String(p)]));
    }
    const global = [keys.epoch(), keys.companyParameters('IT01'), keys.companyParameters('IT02')];
    expect(new Set(global.map(hashTag))).toEqual(new Set(['global']));
    // Every key stays under the prefix, so tests and tenants never collide.
    for (const key of [...partitionKeys(3), ...global]) expect(key.startsWith('ce:')).toBe(true);
  });
});
