import { abilities, limitAuthority, limitRequestAbilities } from './authority';
import { DETAIL_FIELDS, detailRows, readableName } from './details';
import { exposurePoints } from './exposure-points';
import { formatAmount, formatDate, monthlyDaysLate, share, toCents } from './format';
import { translator } from './i18n';
import { directionOf, nextSort } from './sort';

describe('desk formatting', () => {
  it('formats money strings exactly for each locale, beyond float precision', () => {
    expect(formatAmount('1234567.5', 'en')).toBe('1,234,567.50');
    expect(formatAmount('1234567.5', 'it')).toBe('1.234.567,50');
    expect(formatAmount('9999999999999.99', 'en')).toBe('9,999,999,999,999.99');
    expect(formatAmount('-0.10', 'it')).toBe('-0,10');
    expect(formatAmount(null, 'en')).toBe('—');
  });

  it('shows a business date as that day in any time zone', () => {
    expect(formatDate('2026-03-01', 'en')).toBe('1 Mar 2026');
    expect(formatDate('2026-03-01', 'it')).toBe('1 mar 2026');
  });

  it('computes cents and shares with integers', () => {
    expect(toCents('-12.5')).toBe(-1250n);
    expect(toCents('0.07')).toBe(7n);
    expect(share(1n, 3n)).toBe(33.3);
    expect(share(5n, 0n)).toBe(0);
  });

  it('averages days late per month weighted by amount, early payments counting as 0', () => {
    expect(
      monthlyDaysLate([
        { settlementDate: '2026-02-10', amount: '100.00', daysLate: 10 },
        { settlementDate: '2026-02-20', amount: '300.00', daysLate: -5 },
        { settlementDate: '2026-01-05', amount: '50.00', daysLate: 30 },
        { settlementDate: '2026-01-06', amount: '50.00', daysLate: null },
      ]),
    ).toEqual([
      { month: '2026-01', avgDaysLate: 30 },
      { month: '2026-02', avgDaysLate: 2.5 },
    ]);
  });
});

describe('desk hold abilities', () => {
  const hold = {
    excess: '1000.00',
    reasons: ['LIMIT_EXCEEDED'],
    requestedBy: 'erp',
    sentBy: 'erp-connector',
  };
  const role = (maxExcess: string | null, mayReleaseOverdue = false) => ({
    name: 'r',
    maxExcess,
    mayReleaseOverdue,
  });

  it('refuses both decisions below approver or without an approval role', () => {
    expect(abilities(hold, { subject: 'v', canDecide: false, roles: [role(null)] })).toEqual({
      release: { code: 'ROLE' },
      reject: { code: 'ROLE' },
    });
    expect(abilities(hold, { subject: 'a', canDecide: true, roles: [] }).reject).toEqual({
      code: 'APPROVAL_ROLE',
    });
  });

  it('lets the largest maxExcess of several roles decide; equality is enough', () => {
    expect(abilities(hold, { subject: 'a', canDecide: true, roles: [role('999.99')] })).toEqual({
      release: { code: 'MAX_EXCESS', maxExcess: '999.99' },
      reject: null,
    });
    expect(
      abilities(hold, { subject: 'a', canDecide: true, roles: [role('10.00'), role('1000.00')] }).release,
    ).toBeNull();
    expect(abilities(hold, { subject: 'a', canDecide: true, roles: [role(null)] }).release).toBeNull();
  });

  it('needs the overdue permission for OVERDUE holds and never lets the requester decide', () => {
    const overdue = { ...hold, reasons: ['OVERDUE'] };
    expect(abilities(overdue, { subject: 'a', canDecide: true, roles: [role(null)] }).release).toEqual({
      code: 'OVERDUE_PERMISSION',
    });
    expect(
      abilities(overdue, { subject: 'a', canDecide: true, roles: [role('0.00'), role('5000.00', true)] })
        .release,
    ).toBeNull();
    expect(abilities(hold, { subject: 'erp', canDecide: true, roles: [role(null)] }).release).toEqual({
      code: 'REQUESTER',
    });
    // The caller that sent the check on the requester's behalf may not decide either.
    expect(abilities(hold, { subject: 'erp-connector', canDecide: true, roles: [role(null)] })).toEqual({
      release: { code: 'REQUESTER' },
      reject: { code: 'REQUESTER' },
    });
  });
});

describe('desk limit request abilities', () => {
  const request = { amount: '50000.00', temporaryAmount: null, requestedBy: 'carlo' };
  const role = (maxLimit: string | null) => ({ name: 'r', maxLimit });
  const user = (subject: string, roles: { name: string; maxLimit: string | null }[], canDecide = true) => ({
    subject,
    canDecide,
    roles,
  });

  it('takes the largest maxLimit of the roles as authority: null is unlimited, no role is zero', () => {
    expect(limitAuthority([])).toBe('0.00');
    expect(limitAuthority([role('20000.00'), role('100000.00'), role('5000.00')])).toBe('100000.00');
    expect(limitAuthority([role('20000.00'), role(null)])).toBeNull();
  });

  it('never lets the requester decide its own request, whatever its authority', () => {
    expect(limitRequestAbilities(request, user('carlo', [role(null)]))).toEqual({
      approve: { code: 'LIMIT_REQUESTER' },
      reject: { code: 'LIMIT_REQUESTER' },
    });
  });

  it('needs credit-manager and an authority covering the amount; equality is enough', () => {
    expect(limitRequestAbilities(request, user('maria', [role(null)], false)).approve).toEqual({
      code: 'LIMIT_ROLE',
    });
    expect(limitRequestAbilities(request, user('maria', []))).toEqual({
      approve: { code: 'MAX_LIMIT', maxLimit: '0.00' },
      reject: { code: 'MAX_LIMIT', maxLimit: '0.00' },
    });
    expect(limitRequestAbilities(request, user('maria', [role('49999.99')])).approve).toEqual({
      code: 'MAX_LIMIT',
      maxLimit: '49999.99',
    });
    expect(limitRequestAbilities(request, user('maria', [role('50000.00')]))).toEqual({
      approve: null,
      reject: null,
    });
  });

  it('measures a temporary amount above the base amount against the authority', () => {
    const temporary = { ...request, temporaryAmount: '80000.00' };
    expect(limitRequestAbilities(temporary, user('maria', [role('50000.00')])).approve).toEqual({
      code: 'MAX_LIMIT',
      maxLimit: '50000.00',
    });
    expect(limitRequestAbilities(temporary, user('maria', [role('80000.00')])).approve).toBeNull();
  });
});

describe('desk document details', () => {
  const rows = (details: Record<string, unknown>, locale: 'en' | 'it') =>
    Object.fromEntries(detailRows(details, translator(locale), locale).map((r) => [r.label, r.value]));

  it('has a label for every field the API documents for each kind of document', () => {
    // GET …/exposure/documents, DocumentRowDto.details (apps/risk-api/src/reports/reports.dto.ts)
    const documented = [
      ['kind', 'orderAmount', 'consumed'],
      ['deliveryAmount', 'invoiced', 'orderRefs'],
      ['invoiceAmount', 'deliveryRefs', 'orderRefs'],
      ['dueDate', 'itemAmount', 'settled', 'daysOverdue'],
      ['ledgerBalance', 'openItemResiduals'],
      ['instrument', 'status', 'dueDate', 'atRiskUntil'],
    ].flat();
    expect(documented.filter((field) => !(field in DETAIL_FIELDS))).toEqual([]);
  });

  it('labels an order in English and Italian with money in the locale format', () => {
    const order = { kind: 'order', orderAmount: '12000.00', consumed: '300.00' };
    expect(rows(order, 'en')).toEqual({
      'Document type': 'Order',
      'Order amount': '12,000.00',
      'Delivered or invoiced': '300.00',
    });
    expect(rows(order, 'it')).toEqual({
      'Tipo di documento': 'Ordine',
      'Importo dell’ordine': '12.000,00',
      'Consegnato o fatturato': '300,00',
    });
  });

  it('lists the fields in a reading order, not in the order the API stored them', () => {
    const stored = {
      kind: 'open-item',
      settled: '1.00',
      dueDate: '2026-03-01',
      newField: 1,
      itemAmount: '2.00',
    };
    expect(detailRows(stored, translator('en'), 'en').map((r) => r.field)).toEqual([
      'kind',
      'dueDate',
      'itemAmount',
      'settled',
      'newField',
    ]);
  });

  it('shows references, dates, bill instruments and statuses as words', () => {
    expect(
      rows({ kind: 'delivery', orderRefs: [{ orderId: 'SO-1', amount: '1500.5' }], invoiced: '0.00' }, 'it'),
    ).toEqual({ 'Tipo di documento': 'DDT', 'Ordini di riferimento': 'SO-1: 1500,50', Fatturato: '0,00' });
    expect(
      rows(
        {
          kind: 'bill',
          instrument: 'riba',
          status: 'presented',
          dueDate: '2026-03-01',
          atRiskUntil: '2026-03-11',
        },
        'en',
      ),
    ).toEqual({
      'Document type': 'Bill',
      Instrument: 'RiBa (bank receipt)',
      'Bill status': 'Presented to the bank',
      'Due date': '1 Mar 2026',
      'At risk until': '11 Mar 2026',
    });
    expect(rows({ kind: 'invoice', deliveryRefs: [] }, 'en')).toEqual({
      'Document type': 'Invoice',
      'Delivery notes referred to': '—',
    });
  });

  it('gives a field or value it does not know a readable form rather than hiding it', () => {
    expect(readableName('openItemResiduals')).toBe('Open item residuals');
    expect(readableName('bank_id')).toBe('Bank id');
    expect(
      rows({ kind: 'factoring', advanceAmount: '2500.00', settledOn: '2026-03-01', recourse: true }, 'en'),
    ).toEqual({
      'Document type': 'factoring',
      'Advance amount': '2,500.00',
      'Settled on': '1 Mar 2026',
      Recourse: 'Yes',
    });
    expect(rows({ toString: 'x' }, 'en')).toEqual({ 'To string': 'x' });
  });
});

describe('desk board sort', () => {
  it('starts a column in its first direction and turns it over on the next click', () => {
    expect(nextSort('customerId', 'total', 'descending')).toBe('-total');
    expect(nextSort('-total', 'total', 'descending')).toBe('total');
    expect(nextSort('total', 'total', 'descending')).toBe('-total');
    expect(nextSort('-total', 'customerId', 'ascending')).toBe('customerId');
    expect(nextSort('customerId', 'customerId', 'ascending')).toBe('-customerId');
  });

  it('tells the direction of the sorted column only', () => {
    expect(directionOf('-status', 'status')).toBe('descending');
    expect(directionOf('status', 'status')).toBe('ascending');
    expect(directionOf('-status', 'total')).toBeUndefined();
    expect(directionOf('-totalx', 'total')).toBeUndefined();
  });
});

describe('desk exposure chart readings', () => {
  it('takes the status changes oldest first, in the order of the history route, then the exposure now', () => {
    const at = '2026-03-01T10:00:00.000Z';
    const history = [
      { type: 'exposure.statusChanged', occurredAt: at, data: { total: '1300.00', limit: '1000.00' } },
      { type: 'customer.blocked', occurredAt: at, data: { reasons: ['LIMIT_EXCEEDED'] } },
      { type: 'exposure.statusChanged', occurredAt: at, data: { total: '500.00', limit: null } },
    ];
    const now = { at: '2026-03-02T08:00:00.000Z', total: '1200.00', limit: '1000.00' };
    expect(exposurePoints(history, now)).toEqual([
      { at, total: '500.00', limit: null },
      { at, total: '1300.00', limit: '1000.00' },
      now,
    ]);
    expect(exposurePoints([], now)).toEqual([now]);
  });
});
