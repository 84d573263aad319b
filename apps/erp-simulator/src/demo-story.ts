import {
  addDays,
  applyFacts,
  Assessment,
  assess,
  BusinessDate,
  CompanyParameters,
  DEFAULT_PARAMETERS,
  emptyDocuments,
  Fact,
} from '@credit/domain';
import { decodeInputEvent, inputMessage, InputEventType, RawDataByType, rawEvent } from '@credit/contracts';
import { SequencedEvent, streamOf, DEFAULT_TIME_ZONE } from './scenario';
import { formatInstant } from './time';

/**
 * The live demo: five customers of one company over about twenty seconds.
 *
 * - C001 Rossi: a full cycle (order, delivery, invoice, posting) well inside its limit: OK.
 * - C002 Bianchi: orders climb past a BLOCK-mode limit of 10000.00: OK -> WARNING -> EXCEEDED,
 *   then customer.blocked (LIMIT_EXCEEDED); a last order is submitted for a credit check.
 * - C003 Verdi: WARN-mode limit of 8000.00, attention at 75%: reaches 80% -> WARNING, never blocked.
 * - C004 Neri: an invoice posted 75 days ago, one instalment paid late and one still open
 *   15 days past due (tolerance 5 days): overdue, blocked for OVERDUE while the limit is OK.
 * - C005 Gallo: no limit (NO_LIMIT); its invoice is turned into a RiBa that is presented.
 *
 * Dates are relative to `today` (the engine's business date), so the overdue item is overdue
 * whenever the demo runs. Pure: the same options give the same events.
 */
export interface DemoOptions {
  /** The engine's business date. */
  today: BusinessDate;
  /** When the first event is sent; the others follow every `paceMs`. */
  start: Date;
  /** Milliseconds between two events (default: 20 seconds spread over the story). */
  paceMs?: number;
  /** Makes the eventIds of this run unique (document ids stay the same: re-running upserts). */
  runTag: string;
  timeZone?: string;
}

export interface DemoCustomer {
  customerId: string;
  name: string;
  /** What the engine should show at the end, in words. */
  expect: string;
}

export interface DemoStory {
  companyId: string;
  today: BusinessDate;
  paceMs: number;
  steps: SequencedEvent[];
  customers: DemoCustomer[];
  /** The customer pushed over its block-mode limit. */
  breaching: string;
  /** The customer reaching the attention threshold of its warn-mode limit. */
  warning: string;
  /** The customer with an open item past due. */
  overdue: string;
}

export const DEMO_COMPANY = 'IT01';
export const DEMO_DURATION_MS = 20_000;

export const DEMO_CUSTOMERS: readonly DemoCustomer[] = [
  { customerId: 'C001', name: 'Rossi Ferramenta S.r.l.', expect: 'OK, well inside its limit' },
  { customerId: 'C002', name: 'Bianchi Costruzioni S.p.A.', expect: 'EXCEEDED and blocked (LIMIT_EXCEEDED)' },
  { customerId: 'C003', name: 'Verdi Impianti S.n.c.', expect: 'WARNING (warn mode: never blocked)' },
  {
    customerId: 'C004',
    name: 'Neri Logistica S.r.l.',
    expect: 'OK but blocked for an overdue item (OVERDUE)',
  },
  { customerId: 'C005', name: 'Gallo Distribuzione S.a.s.', expect: 'NO_LIMIT, exposure in bills' },
];

/** The people of the demo: one token each (the demo prints them), what each may do on the desk. */
export const DEMO_PEOPLE = [
  {
    subject: 'demo-viewer',
    roles: ['viewer'],
    does: 'reads the board, the customers and the holds queue; decides nothing',
  },
  {
    subject: 'demo-approver',
    roles: ['approver'],
    does: 'releases or rejects held orders, within approval role demo-releaser',
  },
  {
    subject: 'demo-credit-manager',
    roles: ['credit-manager'],
    does: 'also sets credit limits and decides limit requests',
  },
] as const;

/**
 * The approval role the demo seeds (an admin's job): holders release documents
 * exceeding the limit by up to 5000.00, and set limits up to 50000.00. The
 * approver and the credit manager hold it.
 */
export const DEMO_APPROVAL_ROLE = {
  name: 'demo-releaser',
  maxExcess: '5000.00',
  mayReleaseOverdue: false,
  maxLimit: '50000.00',
  members: ['demo-approver', 'demo-credit-manager'],
} as const;

/** The order the story's last event submits for a credit check: the engine holds it (C002 is over its limit). */
export const DEMO_HELD_ORDER = {
  customerId: 'C002',
  documentId: 'SO-2004',
  amount: '1500.00',
  requestedBy: 'demo.sales',
} as const;

/** How a person releases the held order on the desk, step by step. */
export function releaseSteps(deskUrl: string): string[] {
  const customer = DEMO_CUSTOMERS.find((c) => c.customerId === DEMO_HELD_ORDER.customerId)!;
  return [
    `To release the held order on the risk desk (${deskUrl}):`,
    `  1. Open ${deskUrl} and paste the token of demo-approver; press "Sign in" (the Language menu at the top switches the desk to Italiano).`,
    `  2. Open "Holds queue": order ${DEMO_HELD_ORDER.documentId} of ${DEMO_COMPANY}:${customer.customerId} ${customer.name}, ` +
      `${DEMO_HELD_ORDER.amount}, is held (LIMIT_EXCEEDED), requested by ${DEMO_HELD_ORDER.requestedBy}.`,
    '  3. Type the reason in its row (for example "Bank guarantee received this morning") and press "Release".',
    `  4. The order leaves the queue ("${DEMO_HELD_ORDER.documentId}: released by demo-approver"); the engine publishes document.released for the ERP, ` +
      `and the order's amount now counts in ${customer.customerId}'s exposure.`,
    '  Try it as demo-viewer first: the same buttons are refused, with the reason (a viewer decides nothing).',
    `  As demo-credit-manager, "Limits and parameters" raises ${customer.customerId}'s limit within ${DEMO_APPROVAL_ROLE.maxLimit}.`,
  ];
}

export function demoStory(options: DemoOptions): DemoStory {
  const { today, runTag } = options;
  const timeZone = options.timeZone ?? DEFAULT_TIME_ZONE;
  const day = (offset: number): BusinessDate => addDays(today, offset);
  const drafts: Array<{ customerId: string; type: InputEventType; data: object }> = [];
  const add = <T extends InputEventType>(customerId: string, type: T, data: RawDataByType[T]): void => {
    drafts.push({ customerId, type, data });
  };

  // Who they are and their limits.
  for (const customer of DEMO_CUSTOMERS) {
    add(customer.customerId, 'customer.updated', {
      name: customer.name,
      vatNumber: `IT0${customer.customerId.slice(1)}4567890`,
      salesAgentId: 'AG-01',
      paymentTermsDays: 30,
    });
  }
  const limit = (
    amount: string,
    mode: 'warn' | 'block',
    extra: Partial<RawDataByType['creditLimit.set']> = {},
  ) => ({
    amount,
    mode,
    setBy: 'credit.manager',
    reason: 'demo',
    ...extra,
  });
  add('C001', 'creditLimit.set', limit('20000.00', 'block', { validUntil: day(365) }));
  add('C002', 'creditLimit.set', limit('10000.00', 'block', { attentionThresholdPct: 80 }));
  add('C003', 'creditLimit.set', limit('8000.00', 'warn', { attentionThresholdPct: 75 }));
  add('C004', 'creditLimit.set', limit('15000.00', 'block', { overdueToleranceDays: 5 }));

  // The story, customers interleaved, with the breach at the end.
  add('C001', 'order.confirmed', { orderId: 'SO-1001', amount: '2400.00', orderDate: day(-3) });
  add('C002', 'order.confirmed', { orderId: 'SO-2001', amount: '4000.00', orderDate: day(-2) });
  add('C004', 'invoice.issued', {
    invoiceId: 'FT-4001',
    kind: 'invoice',
    amount: '3660.00',
    invoiceDate: day(-75),
  });
  add('C004', 'journal.posted', {
    entryId: 'JE-4001',
    postingDate: day(-75),
    lines: [
      {
        lineId: '1',
        side: 'debit',
        amount: '1830.00',
        invoiceRef: 'FT-4001',
        openItemId: 'FT-4001/1',
        dueDate: day(-45),
      },
      {
        lineId: '2',
        side: 'debit',
        amount: '1830.00',
        invoiceRef: 'FT-4001',
        openItemId: 'FT-4001/2',
        dueDate: day(-15),
      },
    ],
  });
  add('C003', 'order.confirmed', { orderId: 'SO-3001', amount: '3000.00', orderDate: day(-5) });
  add('C001', 'delivery.issued', {
    deliveryId: 'DDT-1001',
    amount: '2400.00',
    deliveryDate: day(-1),
    orderRefs: [{ orderId: 'SO-1001', amount: '2400.00' }],
  });
  add('C005', 'invoice.issued', {
    invoiceId: 'FT-5001',
    kind: 'invoice',
    amount: '2200.00',
    invoiceDate: day(-2),
  });
  add('C004', 'journal.posted', {
    entryId: 'JE-4002',
    postingDate: day(-40),
    lines: [
      {
        lineId: '1',
        side: 'credit',
        amount: '1830.00',
        settles: [{ openItemId: 'FT-4001/1', amount: '1830.00' }],
      },
    ],
  });
  add('C002', 'order.confirmed', { orderId: 'SO-2002', amount: '4500.00', orderDate: day(-1) });
  add('C003', 'delivery.issued', {
    deliveryId: 'DDT-3001',
    amount: '1800.00',
    deliveryDate: day(-2),
    orderRefs: [{ orderId: 'SO-3001', amount: '1800.00' }],
  });
  add('C001', 'order.closed', { orderId: 'SO-1001', reason: 'completed' });
  add('C005', 'journal.posted', {
    entryId: 'JE-5001',
    postingDate: day(-1),
    lines: [
      {
        lineId: '1',
        side: 'debit',
        amount: '2200.00',
        invoiceRef: 'FT-5001',
        openItemId: 'FT-5001/1',
        dueDate: day(30),
      },
    ],
  });
  add('C002', 'delivery.issued', {
    deliveryId: 'DDT-2001',
    amount: '4000.00',
    deliveryDate: day(0),
    orderRefs: [{ orderId: 'SO-2001', amount: '4000.00' }],
  });
  add('C003', 'invoice.issued', {
    invoiceId: 'FT-3001',
    kind: 'invoice',
    amount: '1800.00',
    invoiceDate: day(-1),
    deliveryRefs: [{ deliveryId: 'DDT-3001', amount: '1800.00' }],
  });
  add('C001', 'invoice.issued', {
    invoiceId: 'FT-1001',
    kind: 'invoice',
    amount: '2400.00',
    invoiceDate: day(0),
    deliveryRefs: [{ deliveryId: 'DDT-1001', amount: '2400.00' }],
  });
  add('C005', 'bill.issued', { billId: 'RB-5001', amount: '2200.00', dueDate: day(30), instrument: 'riba' });
  add('C005', 'journal.posted', {
    entryId: 'JE-5002',
    postingDate: day(0),
    lines: [
      {
        lineId: '1',
        side: 'credit',
        amount: '2200.00',
        settles: [{ openItemId: 'FT-5001/1', amount: '2200.00' }],
      },
    ],
  });
  add('C003', 'order.confirmed', { orderId: 'SO-3002', amount: '3400.00', orderDate: day(0) });
  add('C001', 'journal.posted', {
    entryId: 'JE-1001',
    postingDate: day(0),
    lines: [
      {
        lineId: '1',
        side: 'debit',
        amount: '2400.00',
        invoiceRef: 'FT-1001',
        openItemId: 'FT-1001/1',
        dueDate: day(30),
      },
    ],
  });
  add('C005', 'bill.presented', { billId: 'RB-5001', presentedAt: day(0), bankId: 'BANCA-01' });
  add('C002', 'order.confirmed', { orderId: 'SO-2003', amount: '2500.00', orderDate: day(0) });
  add(DEMO_HELD_ORDER.customerId, 'document.checkRequested', {
    documentType: 'order',
    documentId: DEMO_HELD_ORDER.documentId,
    amount: DEMO_HELD_ORDER.amount,
    requestedBy: DEMO_HELD_ORDER.requestedBy,
  });

  const paceMs = options.paceMs ?? Math.floor(DEMO_DURATION_MS / (drafts.length - 1));
  const steps = drafts.map(({ customerId, type, data }, i): SequencedEvent => ({
    stream: streamOf(type),
    envelope: rawEvent(type, data as never, {
      eventId: `demo-${runTag}-${String(i + 1).padStart(3, '0')}`,
      occurredAt: formatInstant(new Date(options.start.getTime() + i * paceMs), timeZone),
      companyId: DEMO_COMPANY,
      customerId,
    }),
  }));
  return {
    companyId: DEMO_COMPANY,
    today,
    paceMs,
    steps,
    customers: [...DEMO_CUSTOMERS],
    breaching: 'C002',
    warning: 'C003',
    overdue: 'C004',
  };
}

/**
 * What the engine will compute at the end of the story: the events decoded as the engine
 * decodes them, folded with the domain and assessed on the story's business date.
 */
export function expectedOutcome(
  story: DemoStory,
  params: CompanyParameters = DEFAULT_PARAMETERS,
): Map<string, Assessment> {
  const facts = new Map<string, Fact[]>();
  for (const { stream, envelope } of story.steps) {
    const { key, value } = inputMessage(envelope);
    const decoded = decodeInputEvent(stream, key, value);
    if (!decoded.ok) throw new Error(`demo event ${envelope.eventId} is invalid: ${decoded.message}`);
    const list = facts.get(envelope.customerId) ?? [];
    list.push(decoded.fact);
    facts.set(envelope.customerId, list);
  }
  const outcome = new Map<string, Assessment>();
  for (const [customerId, list] of facts) {
    outcome.set(customerId, assess(applyFacts(emptyDocuments(), list), story.today, params));
  }
  return outcome;
}
