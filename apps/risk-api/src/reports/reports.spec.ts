import { exposureCsvHeader, exposureCsvRecord } from './company-reports.controller';
import { parseSort } from './query';
import { escapeLike } from '@credit/postgres';
import { ExposureView } from '../exposure/exposure.view';

const view = (overrides: Partial<ExposureView> = {}): ExposureView => ({
  companyId: 'IT01',
  customerId: 'C1',
  customerName: null,
  vatNumber: null,
  salesAgentId: null,
  customerEmail: null,
  components: {
    orders: '100.00',
    deliveries: '0.00',
    unpostedInvoices: '-30.00',
    receivables: '0.00',
    bills: '0.00',
  },
  total: '70.00',
  overdueAmount: '0.00',
  oldestOverdueDays: 0,
  limit: null,
  creditClass: null,
  manualBlock: null,
  reviewDueOn: null,
  status: 'NO_LIMIT',
  blocked: false,
  blockReasons: [],
  utilizationPct: null,
  riskClass: 'A',
  avgDaysLate: '0.00',
  dishonouredBills12m: 0,
  businessDate: '2026-06-15',
  asOf: '2026-06-15T08:00:00.000Z',
  ...overrides,
});

describe('reporting helpers', () => {
  it('escapes LIKE wildcards so that q is a literal prefix', () => {
    expect(escapeLike('C_1')).toBe('C\\_1');
    expect(escapeLike('50%')).toBe('50\\%');
    expect(escapeLike('a\\b')).toBe('a\\\\b');
    expect(escapeLike('C-1/2.3')).toBe('C-1/2.3');
  });

  it('parses a sort with an optional - for descending', () => {
    expect(parseSort(undefined, 'customerId')).toEqual({ key: 'customerId', descending: false });
    expect(parseSort('-total', 'customerId')).toEqual({ key: 'total', descending: true });
    expect(parseSort('status', 'customerId')).toEqual({ key: 'status', descending: false });
  });

  it('writes an exposure as a CSV record: numbers as they are, text defused, nulls empty', () => {
    const header = exposureCsvHeader().trimEnd().split(',');
    const record = exposureCsvRecord(
      view({
        customerId: '-C/1',
        customerName: '@Rossi Forniture S.r.l.',
        vatNumber: 'IT01234567890',
        salesAgentId: 'AG-07',
        status: 'EXCEEDED',
        blocked: true,
        blockReasons: ['LIMIT_EXCEEDED', 'OVERDUE'],
        limit: {
          amount: '50.00',
          mode: 'block',
          attentionThresholdPct: 80,
          validUntil: '2026-12-31',
          temporaryAmount: null,
          temporaryUntil: null,
          effectiveAmount: '50.00',
        },
        utilizationPct: '140.00',
      }),
    );
    expect(record.endsWith('\r\n')).toBe(true);
    const fields = Object.fromEntries(
      record
        .trimEnd()
        .split(',')
        .map((value, i) => [header[i], value]),
    );
    expect(fields).toEqual({
      companyId: 'IT01',
      customerId: "'-C/1",
      customerName: "'@Rossi Forniture S.r.l.",
      vatNumber: 'IT01234567890',
      salesAgentId: 'AG-07',
      status: 'EXCEEDED',
      blocked: 'true',
      blockReasons: 'LIMIT_EXCEEDED|OVERDUE',
      total: '70.00',
      orders: '100.00',
      deliveries: '0.00',
      unpostedInvoices: '-30.00',
      receivables: '0.00',
      bills: '0.00',
      limitAmount: '50.00',
      limitMode: 'block',
      attentionThresholdPct: '80',
      validUntil: '2026-12-31',
      utilizationPct: '140.00',
      overdueAmount: '0.00',
      oldestOverdueDays: '0',
      riskClass: 'A',
      avgDaysLate: '0.00',
      dishonouredBills12m: '0',
      businessDate: '2026-06-15',
      asOf: '2026-06-15T08:00:00.000Z',
    });
    expect(exposureCsvRecord(view()).split(',')[2]).toBe(''); // no name yet
    expect(exposureCsvRecord(view()).split(',')[14]).toBe(''); // no limit
  });
});
