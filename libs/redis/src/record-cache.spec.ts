import { CustomerRecord, newCustomerRecord } from '@credit/domain';
import { RecordCache } from './record-cache';

describe('RecordCache', () => {
  const record = (id: string, version: number) => ({ ...newCustomerRecord('IT01', id), version });

  it('returns what was remembered and evicts the least recently used beyond its capacity', () => {
    const cache = new RecordCache<CustomerRecord>(2);
    cache.remember('a', record('a', 1));
    cache.remember('b', record('b', 1));
    expect(cache.get('a')?.version).toBe(1); // a is now the most recent
    cache.remember('c', record('c', 1));
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')?.customerId).toBe('a');
    expect(cache.get('c')?.customerId).toBe('c');
  });

  it('keeps the newest version of a key', () => {
    const cache = new RecordCache<CustomerRecord>(10);
    cache.remember('a', record('a', 1));
    cache.remember('a', record('a', 2));
    expect(cache.get('a')?.version).toBe(2);
  });

  it('remembers nothing with a capacity of 0', () => {
    const cache = new RecordCache<CustomerRecord>(0);
    cache.remember('a', record('a', 1));
    expect(cache.get('a')).toBeUndefined();
  });
});
