import { partitionOfKey, truncatedHistory } from './topics';

describe('truncatedHistory: what an input topic must keep for a rebuild', () => {
  it('accepts a topic that deletes nothing', () => {
    expect(
      truncatedHistory(
        'erp.documents',
        { 'cleanup.policy': 'delete', 'retention.ms': '-1', 'retention.bytes': '-1' },
        false,
      ),
    ).toEqual([]);
  });

  it('names the topic and each setting that deletes history', () => {
    expect(
      truncatedHistory(
        'erp.documents',
        { 'cleanup.policy': 'delete', 'retention.ms': '604800000', 'retention.bytes': '1073741824' },
        false,
      ),
    ).toEqual([
      'erp.documents: retention.ms=604800000 deletes events a rebuild needs (set it to -1)',
      'erp.documents: retention.bytes=1073741824 deletes events a rebuild needs (set it to -1)',
    ]);
  });

  it('refuses compaction except where only the latest record per key matters', () => {
    const compacted = { 'cleanup.policy': 'compact', 'retention.ms': '604800000', 'retention.bytes': '-1' };
    expect(truncatedHistory('erp.journal-entries', compacted, false)).toEqual([
      'erp.journal-entries: cleanup.policy=compact compacts away events a rebuild needs',
    ]);
    // retention.ms does not apply to a compact-only topic.
    expect(truncatedHistory('erp.customers', compacted, true)).toEqual([]);
    expect(
      truncatedHistory('erp.customers', { ...compacted, 'cleanup.policy': 'compact,delete' }, true),
    ).toEqual(['erp.customers: retention.ms=604800000 deletes events a rebuild needs (set it to -1)']);
  });
});

describe('partitionOfKey', () => {
  it('spreads keys over every partition, always the same one per key', () => {
    const keys = Array.from({ length: 300 }, (_, i) => `IT01:C${i}`);
    const partitions = keys.map((key) => partitionOfKey(key, 3));
    expect(new Set(partitions)).toEqual(new Set([0, 1, 2]));
    expect(keys.map((key) => partitionOfKey(key, 3))).toEqual(partitions);
  });
});
