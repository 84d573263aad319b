import { withinBytes } from './outbox-relay';

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
