import { partitionOfKey, topicSpecs, truncatedHistory } from './topics';

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

describe('topicSpecs', () => {
  const settings = (replicationFactor: number) =>
    ({
      partitions: 3,
      replicationFactor,
      topics: { documents: 'erp.documents', customers: 'erp.customers', deadLetter: 'risk.dead-letter' },
    }) as unknown as Parameters<typeof topicSpecs>[0];
  const entries = (replicationFactor: number, topic: string) =>
    Object.fromEntries(
      topicSpecs(settings(replicationFactor))
        .find((spec) => spec.topic === topic)!
        .configEntries!.map((e) => [e.name, e.value]),
    );

  it('creates topics that keep what a rebuild needs, whatever the broker defaults', () => {
    expect(truncatedHistory('erp.documents', entries(1, 'erp.documents'), false)).toEqual([]);
    expect(entries(1, 'erp.documents')).toMatchObject({ 'retention.ms': '-1', 'retention.bytes': '-1' });
    expect(entries(1, 'erp.customers')).toEqual({ 'cleanup.policy': 'compact' });
  });

  it('asks two in-sync replicas of topics with three replicas', () => {
    expect(entries(3, 'erp.documents')['min.insync.replicas']).toBe('2');
    expect(entries(1, 'erp.documents')['min.insync.replicas']).toBeUndefined();
  });
});
