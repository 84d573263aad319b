import { InvoiceState } from './documents';
import { DEFAULT_LIMIT_PROPOSAL_FACTORS, LimitProposalInput, proposeCreditLimit } from './limit-proposal';
import { formatMoney, parseMoney } from './money';

const invoice = (amount: string, invoiceDate?: string, extra: Partial<InvoiceState> = {}): InvoiceState => ({
  kind: 'invoice',
  amount: parseMoney(amount),
  cancelled: false,
  deliveryRefs: [],
  orderRefs: [],
  ...(invoiceDate === undefined ? {} : { invoiceDate }),
  ...extra,
});

const base: LimitProposalInput = {
  invoices: [],
  businessDate: '2026-06-30',
  paymentTermsDays: 60,
  termsSource: 'class',
  avgDaysLate: '0.00',
  riskClass: 'B',
  factors: DEFAULT_LIMIT_PROPOSAL_FACTORS,
};
const propose = (input: Partial<LimitProposalInput>) => {
  const p = proposeCreditLimit({ ...base, ...input });
  return { ...p, proposedAmount: formatMoney(p.proposedAmount), turnover12m: formatMoney(p.turnover12m) };
};

describe('proposeCreditLimit', () => {
  it('36,500.00 a year over 365 days is 100.00 a day; 60 days x factor 1.0 = 6,000.00 exactly', () => {
    expect(propose({ invoices: [invoice('36500.00', '2026-01-15')] })).toEqual({
      proposedAmount: '6000.00',
      turnover12m: '36500.00',
      fromDate: '2025-07-01',
      toDate: '2026-06-30',
      paymentTermsDays: 60,
      termsSource: 'class',
      avgDaysLate: '0.00',
      riskClass: 'B',
      factor: '1.0',
    });
  });

  it('one cent more of turnover rounds the proposal up to the next 100.00', () => {
    // 36,500.01 / 365 x 60 x 1.2 = 7,200.00197... -> 7,300.00 (7,200.00 exactly for 36,500.00)
    expect(propose({ invoices: [invoice('36500.00', '2026-06-30')], riskClass: 'A' }).proposedAmount).toBe(
      '7200.00',
    );
    expect(propose({ invoices: [invoice('36500.01', '2026-06-30')], riskClass: 'A' }).proposedAmount).toBe(
      '7300.00',
    );
  });

  it('nets credit notes and adds the average days late: 90,000.00 / 365 x 42.35 x 0.7 = 7,309.73 -> 7,400.00', () => {
    const p = propose({
      invoices: [
        invoice('60000.00', '2025-09-01'),
        invoice('40000.00', '2026-03-01'),
        invoice('10000.00', '2026-04-01', { kind: 'credit-note' }),
      ],
      paymentTermsDays: 30,
      avgDaysLate: '12.35',
      riskClass: 'C',
    });
    expect(p).toMatchObject({ turnover12m: '90000.00', proposedAmount: '7400.00', factor: '0.7' });
  });

  it('counts only dated, not cancelled invoices of the 365 days ending on the business date', () => {
    const p = propose({
      invoices: [
        invoice('365.00', '2025-07-01'), // first day of the window
        invoice('1000.00', '2025-06-30'), // one day too old
        invoice('1000.00', '2026-07-01'), // after the business date
        invoice('1000.00', '2026-05-01', { cancelled: true }),
        invoice('1000.00'), // no date: cannot be placed in the window
      ],
      paymentTermsDays: 100,
    });
    // 365.00 / 365 x 100 x 1.0 = 100.00
    expect(p).toMatchObject({ turnover12m: '365.00', proposedAmount: '100.00' });
  });

  it('proposes 0.00 without turnover or when credit notes exceed the invoices, and 100.00 for a cent', () => {
    expect(propose({}).proposedAmount).toBe('0.00');
    const negative = propose({
      invoices: [invoice('10.00', '2026-06-01'), invoice('50.00', '2026-06-02', { kind: 'credit-note' })],
    });
    expect(negative).toMatchObject({ turnover12m: '-40.00', proposedAmount: '0.00' });
    expect(propose({ invoices: [invoice('0.01', '2026-06-01')] }).proposedAmount).toBe('100.00');
  });

  it('uses the company factor of the risk class exactly (0.4 for D, or a custom 0.3333)', () => {
    const invoices = [invoice('365000.00', '2026-01-01')];
    // 1,000.00 a day x 10 days x 0.4 = 4,000.00
    expect(propose({ invoices, paymentTermsDays: 10, riskClass: 'D' }).proposedAmount).toBe('4000.00');
    // 1,000.00 x 10 x 0.3333 = 3,333.00 -> 3,400.00
    const factors = { ...DEFAULT_LIMIT_PROPOSAL_FACTORS, D: '0.3333' };
    expect(propose({ invoices, paymentTermsDays: 10, riskClass: 'D', factors }).proposedAmount).toBe(
      '3400.00',
    );
  });
});
