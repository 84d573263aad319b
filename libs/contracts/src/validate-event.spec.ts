import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main, streamOfTopic, validateEvents } from './validate-event';

const order = {
  eventId: 'o-1',
  type: 'order.confirmed',
  schemaVersion: 1,
  occurredAt: '2026-03-01T10:15:00+01:00',
  companyId: 'IT01',
  customerId: 'C000123',
  data: { orderId: 'SO-1', amount: '600.00' },
};

describe('validate-event', () => {
  it('knows a topic by its default name or its stream', () => {
    expect(streamOfTopic('erp.documents')).toBe('documents');
    expect(streamOfTopic('creditLimits')).toBe('creditLimits');
    expect(streamOfTopic('risk.breaches')).toBeUndefined();
  });

  it('accepts what the engine would apply and names the field and rule of what it would dead-letter', () => {
    const verdicts = validateEvents(
      JSON.stringify([order, { ...order, eventId: 'o-2', data: { orderId: 'SO-2', amount: 100 } }]),
      'documents',
    );
    expect(verdicts[0]).toEqual({ index: 0, ok: true, line: 'ok order.confirmed o-1' });
    expect(verdicts[1].ok).toBe(false);
    expect(verdicts[1].line).toMatch(/^invalid VALIDATION_FAILED data\.amount: data\.amount must /);
  });

  it('checks the key and the topic as the engine does', () => {
    expect(validateEvents(JSON.stringify(order), 'documents', 'IT01:OTHER')[0].line).toMatch(
      /^invalid KEY_MISMATCH key: /,
    );
    expect(validateEvents(JSON.stringify(order), 'creditLimits')[0].line).toMatch(
      /^invalid WRONG_TOPIC type: /,
    );
    expect(validateEvents('{"eventId": ', 'documents')[0].line).toMatch(/^invalid NOT_JSON: /);
  });

  it('exits 0 when every event is valid, 1 when one is not, 2 on a usage error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'validate-event-'));
    const good = join(dir, 'good.json');
    const bad = join(dir, 'bad.json');
    writeFileSync(good, JSON.stringify(order));
    writeFileSync(bad, JSON.stringify({ ...order, occurredAt: 'yesterday' }));
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect(main([good, '--topic', 'erp.documents'])).toBe(0);
      expect(main([bad, '--topic', 'erp.documents'])).toBe(1);
      expect(log).toHaveBeenLastCalledWith(expect.stringMatching(/^invalid VALIDATION_FAILED occurredAt: /));
      expect(main([good, '--topic', 'risk.breaches'])).toBe(2);
      expect(main([good])).toBe(2);
    } finally {
      log.mockRestore();
      error.mockRestore();
    }
  });
});
