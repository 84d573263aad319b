import fc from 'fast-check';
import {
  addDays,
  applyFact,
  applyFacts,
  assess,
  checkDocument,
  collectionState,
  CollectionState,
  CompanyParameters,
  DatedCollectionAction,
  DEFAULT_PARAMETERS,
  DunningPolicy,
  emptyDocuments,
  Fact,
  newCustomerRecord,
  nextReviewDate,
  NOTHING_PUBLISHED,
  Notification,
  notifications,
  publishCollection,
  PublishedView,
  reassess,
  viewOf,
} from '../src';
import { ev, instalment, m, payment } from './fixtures';
import { referenceCollection, RefAction, RefItem, RefSettlement } from './collections-reference';

const params: CompanyParameters = { ...DEFAULT_PARAMETERS, timeZone: 'UTC' };

const action = (
  actionId: string,
  on: string,
  extra: Partial<DatedCollectionAction> = {},
): DatedCollectionAction => ({
  actionId,
  actionType: 'note',
  at: `${on}T10:00:00Z`,
  on,
  recordedBy: 'anna',
  text: null,
  promise: null,
  stage: null,
  assignee: null,
  ...extra,
});

const state = (
  businessDate: string,
  items: [string, string, string][],
  settlements: [string, string, string][] = [],
  actions: DatedCollectionAction[] = [],
  policy: DunningPolicy = params.dunning,
): CollectionState =>
  collectionState({
    items: items.map(([openItemId, amount, dueDate]) => ({ openItemId, amount: m(amount), dueDate })),
    settlements: settlements.map(([openItemId, amount, date]) => ({ openItemId, amount: m(amount), date })),
    actions,
    policy,
    businessDate,
  });

describe('collection cases by the clock', () => {
  const items: [string, string, string][] = [['OI-1', '500.00', '2026-03-01']];

  it('opens on the day the oldest item reaches level 1 and rises on each level day, for the default policy', () => {
    expect(state('2026-03-07', items).open).toBeNull();
    expect(state('2026-03-08', items).open).toMatchObject({
      caseId: 'case-2026-03-08',
      level: 1,
      action: 'reminder',
      levelReachedOn: '2026-03-08',
      overdueAmount: m('500.00'),
      items: [{ openItemId: 'OI-1', dueDate: '2026-03-01', residual: m('500.00'), daysOverdue: 7 }],
    });
    expect(state('2026-03-21', items).open).toMatchObject({ level: 1 });
    expect(state('2026-03-22', items).open).toMatchObject({
      caseId: 'case-2026-03-08',
      level: 2,
      action: 'formal-notice',
      levelReachedOn: '2026-03-22',
    });
    expect(state('2026-04-15', items).open).toMatchObject({ level: 3, levelReachedOn: '2026-04-15' });
  });

  it('reaches each level exactly daysOverdue after the due date, for any policy', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 90 }), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 0, max: 120 }),
        (days, offset) => {
          const sorted = [...days].sort((a, b) => a - b);
          const policy: DunningPolicy = {
            levels: sorted.map((daysOverdue, i) => ({ level: i + 1, daysOverdue, action: 'reminder' })),
            minAmount: m('50.00'),
          };
          const today = addDays('2026-03-01', offset);
          const open = state(today, items, [], [], policy).open;
          // The item is overdue from 03-02 (1 day); a level of 0 days is reached then too.
          const reached = sorted.filter((d) => Math.max(d, 1) <= offset);
          if (reached.length === 0) return expect(open).toBeNull();
          const level = reached.length;
          expect(open).toMatchObject({
            caseId: `case-${addDays('2026-03-01', Math.max(sorted[0], 1))}`,
            level,
            levelReachedOn: addDays('2026-03-01', Math.max(sorted[level - 1], 1)),
          });
        },
      ),
    );
  });

  it('opens no case below the minimum, and opens it when a later item brings the amount to it', () => {
    const small: [string, string, string][] = [['OI-1', '30.00', '2026-03-01']];
    expect(state('2026-05-01', small).open).toBeNull();
    const both: [string, string, string][] = [...small, ['OI-2', '20.00', '2026-03-20']];
    // OI-2 falls overdue on 03-21; OI-1 is then 20 days overdue: level 1 at once.
    expect(state('2026-03-20', both).open).toBeNull();
    expect(state('2026-03-21', both).open).toMatchObject({
      caseId: 'case-2026-03-21',
      level: 1,
      overdueAmount: m('50.00'),
    });
    expect(state('2026-03-22', both).open).toMatchObject({ level: 2, levelReachedOn: '2026-03-22' });
  });
});

describe('a case closes by payments', () => {
  const items: [string, string, string][] = [
    ['OI-1', '500.00', '2026-03-01'],
    ['OI-2', '100.00', '2026-03-05'],
  ];

  it('closes on the payment date when the overdue residual falls below the minimum', () => {
    const pays: [string, string, string][] = [
      ['OI-1', '500.00', '2026-03-25'],
      ['OI-2', '60.00', '2026-03-25'],
    ];
    expect(state('2026-03-24', items, pays).open).toMatchObject({ level: 2, overdueAmount: m('600.00') });
    expect(state('2026-03-25', items, pays).open).toBeNull();
    // A new case opening later names the closed one, with its closing date and reason.
    const later: [string, string, string][] = [...items, ['OI-3', '900.00', '2026-04-01']];
    expect(state('2026-04-08', later, pays)).toMatchObject({
      // OI-2's 40.00 left is 28 days overdue when OI-3 falls due: level 2 at once.
      open: { caseId: 'case-2026-04-02', level: 2 },
      lastClosed: { caseId: 'case-2026-03-08', closedOn: '2026-03-25', reason: 'below-minimum' },
    });
  });

  it('publishes the closing with its reason', () => {
    const docs = applyFacts(emptyDocuments(), [
      ev.post('JE-1', '2026-02-01', [
        instalment('INV-1', 'OI-1', '500.00', '2026-03-01'),
        instalment('INV-1', 'OI-2', '100.00', '2026-03-05'),
      ]),
    ]);
    const open = assess(docs, '2026-03-24', params);
    const partly = applyFacts(docs, [
      ev.post('JE-2', '2026-03-25', [
        payment('560.00', [
          ['OI-1', '500.00'],
          ['OI-2', '60.00'],
        ]),
      ]),
    ]);
    expect(notifications(viewOf(open), assess(partly, '2026-03-25', params))).toContainEqual({
      type: 'collection.closed',
      caseId: 'case-2026-03-08',
      reason: 'below-minimum',
    });
    const fully = applyFacts(docs, [
      ev.post('JE-2', '2026-03-25', [
        payment('600.00', [
          ['OI-1', '500.00'],
          ['OI-2', '100.00'],
        ]),
      ]),
    ]);
    expect(notifications(viewOf(open), assess(fully, '2026-03-25', params))).toContainEqual({
      type: 'collection.closed',
      caseId: 'case-2026-03-08',
      reason: 'paid',
    });
  });

  it('stays open while the residual is at least the minimum, and keeps its level after the oldest is paid', () => {
    const pays: [string, string, string][] = [['OI-1', '500.00', '2026-03-25']];
    expect(state('2026-03-26', items, pays).open).toMatchObject({
      caseId: 'case-2026-03-08',
      level: 2,
      overdueAmount: m('100.00'),
      oldestDueDate: '2026-03-05',
    });
  });

  it('closes as paid when nothing is overdue any more', () => {
    const pays: [string, string, string][] = [
      ['OI-1', '500.00', '2026-03-10'],
      ['OI-2', '100.00', '2026-03-10'],
    ];
    expect(state('2026-03-09', items, pays).open).toMatchObject({ caseId: 'case-2026-03-08' });
    expect(state('2026-04-30', items, pays)).toEqual({ open: null, lastClosed: null, closingReason: 'paid' });
  });
});

describe('promises to pay', () => {
  const items: [string, string, string][] = [['OI-1', '500.00', '2026-03-01']];
  const promise = action('P-1', '2026-03-10', {
    actionType: 'promise',
    promise: { amount: m('300.00'), date: '2026-03-20' },
  });

  it('breaks exactly the day after its date when the settlements since it do not reach the amount', () => {
    const pays: [string, string, string][] = [
      ['OI-1', '100.00', '2026-03-09'], // before the promise: does not count
      ['OI-1', '250.00', '2026-03-15'],
    ];
    expect(state('2026-03-20', items, pays, [promise]).open?.promise).toMatchObject({
      promiseId: 'P-1',
      status: 'pending',
      paidSince: m('250.00'),
    });
    expect(state('2026-03-21', items, pays, [promise]).open?.promise).toEqual({
      promiseId: 'P-1',
      amount: m('300.00'),
      date: '2026-03-20',
      recordedOn: '2026-03-10',
      paidSince: m('250.00'),
      status: 'broken',
      brokenOn: '2026-03-21',
    });
  });

  it('is kept when the settlements from its day through its date reach the amount', () => {
    const pays: [string, string, string][] = [
      ['OI-1', '100.00', '2026-03-10'],
      ['OI-1', '200.00', '2026-03-20'],
      ['OI-1', '1.00', '2026-03-21'],
    ];
    expect(state('2026-03-30', items, pays, [promise]).open?.promise).toMatchObject({
      status: 'kept',
      paidSince: m('300.00'),
    });
  });

  it('is ignored when recorded while no case is open', () => {
    const early = { ...promise, on: '2026-03-05', at: '2026-03-05T10:00:00Z' };
    expect(state('2026-03-30', items, [], [early]).open?.promise).toBeNull();
  });
});

describe('stages', () => {
  const items: [string, string, string][] = [['OI-1', '500.00', '2026-03-01']];
  const legal = action('S-1', '2026-03-12', { actionType: 'stage', stage: 'legal', text: 'lawyer engaged' });

  it('moves forward only, and the legal stage blocks the customer until the case closes', () => {
    const back = action('S-2', '2026-03-13', { actionType: 'stage', stage: 'legal', text: 'again' });
    expect(state('2026-03-14', items, [], [legal, back]).open).toMatchObject({
      stage: 'legal',
      stageChangedBy: 'anna',
      stageReason: 'lawyer engaged',
    });
    const off = action('S-3', '2026-03-14', { actionType: 'stage', stage: 'written-off', text: 'lost' });
    expect(state('2026-03-14', items, [], [legal, off]).open?.stage).toBe('written-off');
  });

  it('publishes the stage, blocks with LEGAL, and unblocks when a payment closes the case', () => {
    const facts: Fact[] = [
      ev.post('JE-1', '2026-02-01', [instalment('INV-1', 'OI-1', '500.00', '2026-03-01')]),
      {
        eventId: 'a-1',
        occurredAt: '2026-03-12T10:00:00Z',
        companyId: 'IT01',
        customerId: 'C1',
        type: 'collectionAction.recorded',
        actionId: 'S-1',
        actionType: 'stage',
        stage: 'legal',
        text: 'lawyer engaged',
        recordedBy: 'anna',
      },
    ];
    const docs = applyFacts(emptyDocuments(), facts);
    const legalDay = assess(docs, '2026-03-12', params);
    expect(legalDay.blockReasons).toEqual(['LEGAL']);
    const told = notifications(viewOf(assess(docs, '2026-03-11', params)), legalDay);
    expect(told).toContainEqual({
      type: 'collection.stageChanged',
      caseId: 'case-2026-03-08',
      from: 'dunning',
      to: 'legal',
      changedBy: 'anna',
      reason: 'lawyer engaged',
    });
    // Documents are held for LEGAL by the company's check alone, even with no limit.
    const order = {
      documentType: 'order' as const,
      documentId: 'SO-1',
      amount: m('10.00'),
      orderRefs: [],
      deliveryRefs: [],
    };
    expect(checkDocument(docs, order, '2026-03-12', params)).toMatchObject({
      decision: 'HOLD',
      reasons: ['LEGAL'],
    });
    expect(checkDocument(docs, order, '2026-03-11', params).decision).toBe('ALLOW');
    const paid = applyFacts(docs, [ev.post('JE-2', '2026-03-20', [payment('500.00', [['OI-1', '500.00']])])]);
    const after = assess(paid, '2026-03-20', params);
    expect(after.blocked).toBe(false);
    expect(checkDocument(paid, order, '2026-03-20', params).decision).toBe('ALLOW');
    expect(notifications(viewOf(legalDay), after)).toEqual(
      expect.arrayContaining([
        { type: 'collection.closed', caseId: 'case-2026-03-08', reason: 'paid' },
        { type: 'customer.unblocked', previousReasons: ['LEGAL'] },
      ]),
    );
  });
});

describe('the review date', () => {
  it('wakes the customer on the next level day and the day after a promise', () => {
    const docs = applyFacts(emptyDocuments(), [
      ev.post('JE-1', '2026-02-01', [instalment('INV-1', 'OI-1', '500.00', '2026-03-10')]),
    ]);
    // Not yet due: the item falls due on 03-11, level 1 on 03-17.
    expect(nextReviewDate(docs, '2026-03-01', params)).toBe('2026-03-11');
    const withPromise = applyFacts(docs, [
      {
        eventId: 'p',
        occurredAt: '2026-03-01T10:00:00Z',
        companyId: 'IT01',
        customerId: 'C1',
        type: 'collectionAction.recorded',
        actionId: 'P-1',
        actionType: 'promise',
        text: 'will pay',
        recordedBy: 'anna',
        promise: { amount: m('10.00'), date: '2026-03-03' },
      },
    ]);
    expect(nextReviewDate(withPromise, '2026-03-01', params)).toBe('2026-03-04');
  });
});

// ------------------------------------------------------------------------------------------
// Property: the domain against the day-by-day reference, over random histories and dates.
// ------------------------------------------------------------------------------------------

const START = '2026-01-01';
const dayArb = (max: number) => fc.integer({ min: 0, max }).map((d) => addDays(START, d));
const centsArb = fc.integer({ min: 1, max: 60_000 }).map(BigInt);

const historyArb = fc
  .record({
    levelDays: fc.uniqueArray(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 4 }),
    minAmount: fc.integer({ min: 0, max: 30_000 }).map(BigInt),
    items: fc.array(fc.record({ amount: centsArb, due: dayArb(40) }), { minLength: 1, maxLength: 4 }),
    settlements: fc.array(fc.record({ item: fc.nat(3), amount: centsArb, date: dayArb(90) }), {
      maxLength: 6,
    }),
    actions: fc.array(
      fc.record({
        on: dayArb(90),
        kind: fc.constantFrom('legal', 'written-off', 'promise', 'assign', 'note'),
        amount: centsArb,
        promiseDays: fc.integer({ min: 0, max: 20 }),
      }),
      { maxLength: 5 },
    ),
    today: fc.integer({ min: 0, max: 110 }),
  })
  .map((h) => {
    const items: RefItem[] = h.items.map((i, n) => ({ id: `OI-${n}`, amount: i.amount, due: i.due }));
    const settlements: RefSettlement[] = h.settlements.map((s) => ({
      id: `OI-${s.item % items.length}`,
      amount: s.amount,
      date: s.date,
    }));
    const actions: RefAction[] = h.actions
      .map((a, n) => ({
        id: `A-${n}`,
        on: a.on,
        by: `user-${n}`,
        ...(a.kind === 'legal' || a.kind === 'written-off' ? { stage: a.kind } : {}),
        ...(a.kind === 'promise'
          ? { promise: { amount: a.amount, date: addDays(a.on, a.promiseDays) } }
          : {}),
        ...(a.kind === 'assign' ? { assignee: `agent-${n}` } : {}),
      }))
      .sort((a, b) => (a.on === b.on ? (a.id < b.id ? -1 : 1) : a.on < b.on ? -1 : 1));
    const policy: DunningPolicy = {
      levels: [...h.levelDays]
        .sort((a, b) => a - b)
        .map((daysOverdue, i) => ({ level: i + 1, daysOverdue, action: 'reminder' as const })),
      minAmount: h.minAmount,
    };
    return { items, settlements, actions, policy, today: addDays(START, h.today) };
  });

type History = typeof historyArb extends fc.Arbitrary<infer H> ? H : never;

const domainActions = (h: History): DatedCollectionAction[] =>
  h.actions.map((a) =>
    action(a.id, a.on, {
      recordedBy: a.by,
      actionType: a.stage ? 'stage' : a.promise ? 'promise' : a.assignee ? 'assign' : 'note',
      stage: a.stage ?? null,
      text: a.stage ? `to ${a.stage}` : null,
      promise: a.promise ?? null,
      assignee: a.assignee ?? null,
    }),
  );

const domainState = (h: History, today: string) =>
  collectionState({
    items: h.items.map((i) => ({ openItemId: i.id, amount: i.amount, dueDate: i.due })),
    settlements: h.settlements.map((s) => ({ openItemId: s.id, amount: s.amount, date: s.date })),
    actions: domainActions(h),
    policy: h.policy,
    businessDate: today,
  });

describe('collection cases against the day-by-day reference', () => {
  it('agree on the case, its level, stage, promise and last closing, for any history and date', () => {
    fc.assert(
      fc.property(historyArb, (h) => {
        const ref = referenceCollection(h.items, h.settlements, h.actions, h.policy, h.today);
        const got = domainState(h, h.today);
        if (ref.open === null) {
          expect(got.open).toBeNull();
        } else {
          expect(got.open).not.toBeNull();
          const open = got.open!;
          expect({
            openedOn: open.openedOn,
            level: open.level,
            levelReachedOn: open.levelReachedOn,
            stage: open.stage,
            overdueAmount: open.overdueAmount,
            assignee: open.assignee,
            promise: open.promise && {
              id: open.promise.promiseId,
              status: open.promise.status,
              paidSince: open.promise.paidSince,
            },
          }).toEqual({ ...ref.open, promise: ref.open.promise });
        }
        // The case closed last is known while a later one is open (its closing may be unpublished).
        const last = ref.closed[ref.closed.length - 1];
        expect(got.lastClosed).toEqual(
          last === undefined || ref.open === null
            ? null
            : { caseId: `case-${last.openedOn}`, closedOn: last.closedOn, reason: last.reason },
        );
      }),
      { numRuns: 400 },
    );
  });

  it('publish every level reached and every closing once, as the business date moves day by day', () => {
    fc.assert(
      fc.property(historyArb, (h) => {
        const ref = referenceCollection(h.items, h.settlements, h.actions, h.policy, h.today);
        const facts: Fact[] = [
          ev.post(
            'JE-ITEMS',
            START,
            h.items.map((i) => instalment('INV', i.id, (Number(i.amount) / 100).toFixed(2), i.due)),
          ),
          ...h.settlements.map((s, n) =>
            ev.post(`JE-P${n}`, s.date, [
              payment((Number(s.amount) / 100).toFixed(2), [[s.id, (Number(s.amount) / 100).toFixed(2)]]),
            ]),
          ),
          ...domainActions(h).map((a): Fact => ({
            eventId: a.actionId,
            occurredAt: a.at,
            companyId: 'IT01',
            customerId: 'C1',
            type: 'collectionAction.recorded',
            actionId: a.actionId,
            actionType: a.actionType,
            text: a.text ?? 'note',
            recordedBy: a.recordedBy,
            ...(a.promise ? { promise: a.promise } : {}),
            ...(a.stage ? { stage: a.stage } : {}),
            ...(a.assignee ? { assignee: a.assignee } : {}),
          })),
        ];
        const docs = applyFacts(emptyDocuments(), facts);
        const p = { ...params, dunning: h.policy };
        let published: PublishedView = NOTHING_PUBLISHED;
        const told: Notification[] = [];
        for (let day = START; day <= h.today; day = addDays(day, 1)) {
          const a = assess(docs, day, p);
          told.push(...notifications(published, a));
          published = viewOf(a);
        }
        const levels = told.flatMap((n) => (n.type === 'dunning.levelReached' ? [[n.caseId, n.level]] : []));
        expect(levels).toEqual(ref.levelsReached.map((l) => [`case-${l.openedOn}`, l.level]));
        const closed = told.flatMap((n) => (n.type === 'collection.closed' ? [[n.caseId, n.reason]] : []));
        expect(closed).toEqual(ref.closed.map((c) => [`case-${c.openedOn}`, c.reason]));
        const broken = told.filter((n) => n.type === 'promise.broken');
        expect(broken.length).toBeLessThanOrEqual(h.actions.filter((a) => a.promise).length);
        if (ref.open?.promise?.status === 'broken') {
          expect(broken.map((n) => n.type === 'promise.broken' && n.promiseId)).toContain(
            ref.open.promise.id,
          );
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe('a run of facts folded at once', () => {
  it('publishes the case as the whole run leaves it, not as a partial history had it', () => {
    const facts = [
      ev.post('JE-1', '2026-02-01', [instalment('INV-1', 'OI-1', '500.00', '2026-03-01')]),
      ev.post('JE-2', '2026-03-10', [payment('500.00', [['OI-1', '500.00']])]),
    ];
    let record = newCustomerRecord('IT01', 'C1');
    let docs = emptyDocuments();
    const told: Notification[] = [];
    for (const fact of facts) {
      docs = applyFact(docs, fact);
      const step = reassess(record, docs, '2026-03-30', params, false);
      told.push(...step.notifications);
      record = step.record;
    }
    const published = publishCollection(record);
    told.push(...published.notifications);
    // The invoice alone would have had a level-2 case: the payment of 03-10 closed it long before.
    expect(told.filter((n) => n.type.startsWith('dunning') || n.type.startsWith('collection'))).toEqual([]);
    expect(published.record.published.collection).toBeUndefined();

    // One fact at a time, the partial history is published (what a run avoids).
    const single = reassess(
      newCustomerRecord('IT01', 'C1'),
      applyFact(emptyDocuments(), facts[0]),
      '2026-03-30',
      params,
    );
    expect(single.notifications.map((n) => n.type)).toContain('dunning.levelReached');
  });
});
