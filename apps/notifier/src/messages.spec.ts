import { NotifiedEvent } from './alert-rules';
import { customerLink, digestEmail, eventEmail } from './messages';

const breach: NotifiedEvent = {
  eventId: 'e1',
  type: 'exposure.statusChanged',
  occurredAt: '2026-03-01T10:15:00+01:00',
  companyId: 'IT01',
  customerId: 'C/001',
  data: {
    from: 'WARNING',
    to: 'EXCEEDED',
    total: '6050.50',
    limit: '5000.00',
    utilizationPct: '121.01',
    components: {
      orders: '2500.00',
      deliveries: '0.00',
      unpostedInvoices: '0.00',
      receivables: '3550.50',
      bills: '0.00',
    },
  },
};

describe('alert messages', () => {
  it('say who, what, the amounts and the link, in Italian or English', () => {
    const it = eventEmail(
      'it',
      { event: breach, customerName: 'Rossi S.r.l.' },
      'https://desk.example.com/desk',
    );
    expect(it.subject).toBe('[IT01] C/001 Rossi S.r.l.: stato del fido: fido superato (prima in attenzione)');
    expect(it.text).toContain('Esposizione: 6050.50');
    expect(it.text).toContain('Fido: 5000.00');
    expect(it.text).toContain('Utilizzo: 121.01%');
    expect(it.text).toContain('https://desk.example.com/desk/#/customers/C%2F001');
    const en = eventEmail('en', { event: breach, customerName: null }, 'https://desk.example.com/desk/');
    expect(en.subject).toBe('[IT01] C/001: limit status: over the limit (was near the limit)');
    expect(en.text).toContain('Credit limit: 5000.00');
  });

  it('describe document outcomes and blocks', () => {
    const held: NotifiedEvent = {
      ...breach,
      type: 'document.held',
      data: {
        documentType: 'order',
        documentId: 'OV-1',
        amount: '2500.00',
        exposureAfter: '6050.50',
        limit: '5000.00',
        reasons: ['LIMIT_EXCEEDED'],
        holdId: 'h',
      },
    };
    expect(eventEmail('en', { event: held, customerName: 'R' }, 'http://d/').subject).toBe(
      '[IT01] C/001 R: order OV-1 of 2500.00: held for a decision',
    );
    const blocked: NotifiedEvent = {
      ...breach,
      type: 'customer.blocked',
      data: { reasons: ['OVERDUE', 'LIMIT_EXCEEDED'] },
    };
    expect(eventEmail('it', { event: blocked, customerName: 'R' }, 'http://d/').subject).toContain(
      'cliente bloccato (partite scadute, fido superato)',
    );
  });

  it('gather a day in one digest', () => {
    const digest = digestEmail(
      'en',
      '2026-03-01',
      [
        { event: breach, customerName: 'Rossi' },
        { event: { ...breach, customerId: 'C2' }, customerName: 'Bianchi' },
      ],
      'http://d/',
    );
    expect(digest.subject).toBe('[IT01] Credit alerts of 2026-03-01: 2 events');
    expect(digest.text).toContain('1. C/001 Rossi: limit status');
    expect(digest.text).toContain('2. C2 Bianchi: limit status');
    expect(customerLink('http://d', 'C2')).toBe('http://d/#/customers/C2');
  });

  it('describe the collection events (spec 12), in Italian or English', () => {
    const broken: NotifiedEvent = {
      ...breach,
      type: 'promise.broken',
      data: {
        caseId: 'C/001:2026-02-14',
        promiseId: 'p1',
        amount: '1250.00',
        date: '2026-03-29',
        paidSince: '200.00',
      },
    };
    const it = eventEmail(
      'it',
      { event: broken, customerName: 'Rossi S.r.l.' },
      'https://desk.example.com/desk/',
    );
    expect(it.subject).toBe(
      '[IT01] C/001 Rossi S.r.l.: promessa di pagamento non mantenuta: 1250.00 entro il 2026-03-29',
    );
    expect(it.text).toContain('Pratica di recupero: C/001:2026-02-14');
    expect(it.text).toContain('Pagato da allora: 200.00');
    const en = eventEmail('en', { event: broken, customerName: null }, 'https://desk.example.com/desk/');
    expect(en.subject).toBe('[IT01] C/001: promise to pay broken: 1250.00 by 2026-03-29');
    expect(en.text).toContain('Promise to pay: 1250.00 (2026-03-29)');

    const level: NotifiedEvent = {
      ...breach,
      type: 'dunning.levelReached',
      data: {
        caseId: 'k',
        level: 2,
        action: 'formal-notice',
        overdueAmount: '300.00',
        items: [{ openItemId: 'FT-1', dueDate: '2026-03-01', residual: '300.00', daysOverdue: 21 }],
      },
    };
    expect(eventEmail('it', { event: level, customerName: null }, 'x').subject).toBe(
      '[IT01] C/001: sollecito di livello 2: diffida (scaduto 300.00)',
    );
    expect(eventEmail('en', { event: level, customerName: null }, 'x').text).toContain(
      'Overdue items: FT-1 2026-03-01 300.00 (21)',
    );
    const stage: NotifiedEvent = {
      ...breach,
      type: 'collection.stageChanged',
      data: { caseId: 'k', from: 'dunning', to: 'legal', changedBy: 'anna', reason: 'No answer' },
    };
    expect(eventEmail('en', { event: stage, customerName: null }, 'x').subject).toContain(
      'collection case moved to legal recovery',
    );
    const closed: NotifiedEvent = {
      ...breach,
      type: 'collection.closed',
      data: { caseId: 'k', reason: 'paid' },
    };
    expect(eventEmail('it', { event: closed, customerName: null }, 'x').subject).toContain(
      'pratica di recupero chiusa (pagato)',
    );
  });
});
