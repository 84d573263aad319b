// Code passed to page.evaluate() runs in the browser and uses its globals.
/// <reference lib="dom" />
import { INestApplication } from '@nestjs/common';
import { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { Role } from '@credit/auth';
import { createDataSource } from '@credit/postgres';
import { isolatedStack, IsolatedStack } from '../support/isolated-stack';
import { grantUnlimitedLimitAuthority } from '../support/limit-authority';
import { eventually, RawEvent, TestProducer } from '../support/kafka-io';
import { startApi, startEngine, startNotifier, TestClock, tokenFor } from '../support/running-apps';
import { seedExposureRow } from '../support/collection-cases';
import {
  accessibilityProblems,
  contrastRatios,
  ensureDeskBuilt,
  launchChromium,
  listen,
  screenshot,
} from './desk-browser';

const CO = 'IT01';
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

/**
 * The risk desk in Chromium against the real stack: Kafka, Redis, Postgres, the
 * engine and the API (which serves the desk), all in this process. Users sign in
 * with tokens of different roles and work as a credit controller would.
 */
describe('risk desk in the browser', () => {
  let stack: IsolatedStack;
  let engine: INestApplication;
  let api: INestApplication;
  let producer: TestProducer;
  let browser: Browser;
  let url: string;
  const contexts: BrowserContext[] = [];

  const token = (sub: string, roles: Role[]) => tokenFor(stack, roles, [CO], sub);
  const event = (customerId: string, id: string, type: string, data: Record<string, unknown>): RawEvent => ({
    companyId: CO,
    customerId,
    eventId: `${customerId}-${id}`,
    type,
    data,
  });
  const limitEvent = (customerId: string, amount: string, mode: 'warn' | 'block') =>
    event(customerId, `limit-${amount}`, 'creditLimit.set', {
      amount,
      mode,
      attentionThresholdPct: 80,
      setBy: 'seed',
    });
  const order = (customerId: string, orderId: string, amount: string) =>
    event(customerId, orderId, 'order.confirmed', { orderId, amount });

  const call = async (method: string, path: string, bearer: string, body?: unknown) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { Authorization: `Bearer ${bearer}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return {
      status: response.status,
      body: (await response.json().catch(() => null)) as Record<string, unknown>,
    };
  };
  const exposure = (customerId: string) =>
    call('GET', `/v1/companies/${CO}/customers/${customerId}/exposure`, token('seed-viewer', ['viewer']));
  const waitForTotal = (customerId: string, total: string) =>
    eventually(
      () => exposure(customerId),
      (r) => r.status === 200 && r.body.total === total && r.body.limit !== null,
    );

  /** A fresh browser context (own storage) signed in with `bearer`, on the board. */
  async function signedIn(bearer: string): Promise<Page> {
    const context = await browser.newContext({ locale: 'en-GB', viewport: { width: 1360, height: 900 } });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${url}/desk/`);
    await page.getByLabel('Access token').fill(bearer);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Exposure board' }).waitFor();
    await live(page);
    return page;
  }
  const live = (page: Page) => page.locator('[data-live="live"]').waitFor({ timeout: 30_000 });
  const row = (page: Page, customerId: string) => page.locator(`tr[data-customer="${customerId}"]`);
  /** Waits for the board to list exactly `ids`, in that order, then checks it (a clear diff if not). */
  const rowsInOrder = async (page: Page, ids: string[]) => {
    const shown = () =>
      page
        .locator('tr[data-customer]')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-customer')).join(','));
    await page
      .waitForFunction(
        (expected) =>
          Array.from(document.querySelectorAll('tr[data-customer]'))
            .map((r) => r.getAttribute('data-customer'))
            .join(',') === expected,
        ids.join(','),
        { timeout: 10_000 },
      )
      .catch(() => undefined);
    expect((await shown()).split(',')).toEqual(ids);
  };
  /** The board's column headers that carry aria-sort, with its value. */
  const sortOf = (page: Page) =>
    page
      .locator('table.board th[aria-sort]')
      .evaluateAll((ths) =>
        Object.fromEntries(
          ths.map((th) => [th.textContent?.replace(/[▲▼↕]/g, '').trim(), th.getAttribute('aria-sort')]),
        ),
      );
  /** The label → value pairs of a description list (the document detail panel). */
  const fields = (region: Locator) =>
    region
      .locator('dl > div')
      .evaluateAll((items) =>
        Object.fromEntries(
          items.map((item) => [item.querySelector('dt')?.textContent, item.querySelector('dd')?.textContent]),
        ),
      );
  const statusOf = (page: Page, customerId: string) =>
    row(page, customerId).locator('[data-status]').getAttribute('data-status');

  beforeAll(async () => {
    ensureDeskBuilt();
    stack = await isolatedStack();
    producer = new TestProducer(stack.kafka);
    await producer.connect();
    api = await startApi(stack);
    url = await listen(api);
    // The API uses the system clock: the engine's business date must be the same day.
    engine = await startEngine(stack, new TestClock(new Date()));
    browser = await launchChromium();

    const topics = stack.engine.kafka.topics;
    await producer.events(topics.creditLimits, [
      limitEvent('C-LIVE', '1000.00', 'block'),
      limitEvent('C-DOCS', '5000.00', 'warn'),
      limitEvent('C-HOLD', '1000.00', 'block'),
      limitEvent('C-LIMIT', '1000.00', 'block'),
    ]);
    await producer.events(topics.documents, [
      order('C-LIVE', 'SO-L1', '500.00'),
      order('C-HOLD', 'SO-H1', '900.00'),
      order('C-LIMIT', 'SO-M1', '900.00'),
      order('C-DOCS', 'SO-DOC-1', '1200.00'),
      event('C-DOCS', 'DN-DOC-1', 'delivery.issued', {
        deliveryId: 'DN-DOC-1',
        amount: '300.00',
        orderRefs: [{ orderId: 'SO-DOC-1', amount: '300.00' }],
      }),
    ]);
    await producer.events(topics.journalEntries, [
      event('C-DOCS', 'JE-1', 'journal.posted', {
        entryId: 'JE-1',
        postingDate: day(-60),
        lines: [
          { lineId: 'L1', side: 'debit', amount: '800.00', openItemId: 'OI-1', dueDate: day(-40) },
          { lineId: 'L2', side: 'debit', amount: '450.00', openItemId: 'OI-2', dueDate: day(20) },
        ],
      }),
      event('C-DOCS', 'JE-2', 'journal.posted', {
        entryId: 'JE-2',
        postingDate: day(-30),
        lines: [
          {
            lineId: 'L1',
            side: 'credit',
            amount: '300.00',
            settles: [{ openItemId: 'OI-1', amount: '300.00' }],
          },
        ],
      }),
    ]);
    await producer.events(topics.billPortfolio, [
      event('C-DOCS', 'B-1', 'bill.issued', {
        billId: 'B-1',
        amount: '250.00',
        dueDate: day(30),
        instrument: 'riba',
      }),
      event('C-DOCS', 'B-0', 'bill.issued', {
        billId: 'B-0',
        amount: '100.00',
        dueDate: day(-50),
        instrument: 'riba',
      }),
      event('C-DOCS', 'B-0-d', 'bill.dishonoured', { billId: 'B-0', dishonouredAt: day(-45) }),
    ]);
    // Master data: names and sales agents (C-LIMIT has none and shows its code only).
    await producer.events(topics.customers, [
      event('C-DOCS', 'cu', 'customer.updated', {
        name: 'Rossi Documenti S.r.l.',
        vatNumber: 'IT01234567890',
        salesAgentId: 'AG-01',
      }),
      event('C-HOLD', 'cu', 'customer.updated', { name: 'Bianchi Holding S.p.A.', salesAgentId: 'AG-02' }),
      event('C-LIVE', 'cu', 'customer.updated', { name: 'Verdi Live Snc', salesAgentId: 'AG-01' }),
    ]);
    await waitForTotal('C-LIVE', '500.00');
    await waitForTotal('C-HOLD', '900.00');
    await waitForTotal('C-LIMIT', '900.00');
    // orders 900 + deliveries 300 + ledger 950 + bills at risk 250
    await waitForTotal('C-DOCS', '2400.00');
    for (const [customerId, name] of [
      ['C-DOCS', 'Rossi Documenti S.r.l.'],
      ['C-HOLD', 'Bianchi Holding S.p.A.'],
      ['C-LIVE', 'Verdi Live Snc'],
    ]) {
      await eventually(
        () => exposure(customerId),
        (r) => r.status === 200 && r.body.customerName === name,
      );
    }

    // Maria may release excesses up to 5000.00 in IT01; a credit check of the ERP holds an order.
    const admin = token('admin-anna', ['admin']);
    expect(
      (
        await call('PUT', `/v1/companies/${CO}/approval-roles/senior`, admin, {
          maxExcess: '5000.00',
          mayReleaseOverdue: false,
        })
      ).status,
    ).toBe(201);
    expect((await call('PUT', `/v1/companies/${CO}/approval-roles/senior/members/maria`, admin)).status).toBe(
      201,
    );
    // Carlo sets limits without a second approver (four eyes on limits: an unlimited maxLimit).
    await grantUnlimitedLimitAuthority(api, stack, CO, ['carlo']);
    const check = await call(
      'POST',
      `/v1/companies/${CO}/customers/C-HOLD/credit-checks`,
      token('erp', ['erp-service']),
      {
        documentType: 'order',
        documentId: 'SO-HOLD-1',
        amount: '500.00',
        requestedBy: 'erp-user-luca',
      },
    );
    expect(check.body.decision).toBe('HOLD');
  });

  // Closing a test's pages ends their live streams: the API keeps only a few open per user.
  afterEach(async () => {
    for (const context of contexts.splice(0)) await context.close().catch(() => undefined);
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await producer?.disconnect();
    await engine?.close();
    await api?.close();
    await stack?.cleanup();
  });

  it('signs in with a token only: a missing or forged token is refused with a message next to the field', async () => {
    const context = await browser.newContext({ locale: 'en-GB' });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${url}/desk`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Paste a token to sign in').waitFor();
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.getByLabel('Access token').fill('not-a-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText(/The token was refused/).waitFor();
    expect(await page.getByRole('heading', { name: 'Exposure board' }).count()).toBe(0);

    // A token of another company sees nothing of IT01: its board is the other company's.
    await page.getByLabel('Access token').fill(tokenFor(stack, ['viewer'], ['DE01'], 'hans'));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Signed in as hans (viewer)').waitFor();
    await page.getByText('No customer matches.').waitFor();
    expect(await row(page, 'C-LIVE').count()).toBe(0);
  });

  it('shows every customer on the board and turns one from OK to EXCEEDED live as events arrive', async () => {
    const page = await signedIn(token('vera', ['viewer']));
    await row(page, 'C-LIVE').waitFor();
    expect(await statusOf(page, 'C-LIVE')).toBe('OK');
    expect(await row(page, 'C-DOCS').textContent()).toContain('2,400.00');
    const requests: string[] = [];
    page.on('request', (r) => {
      if (r.resourceType() === 'document') requests.push(r.url());
    });

    await producer.events(stack.engine.kafka.topics.documents, [order('C-LIVE', 'SO-L2', '800.00')]);
    await page.waitForFunction(
      () =>
        document.querySelector('tr[data-customer="C-LIVE"] [data-status]')?.getAttribute('data-status') ===
        'EXCEEDED',
      undefined,
      { timeout: 30_000 },
    );
    await page.waitForFunction(() =>
      document.querySelector('tr[data-customer="C-LIVE"]')?.textContent?.includes('1,300.00'),
    );
    expect(await row(page, 'C-LIVE').textContent()).toContain('Yes'); // blocked: mode block, over the limit
    expect(requests).toEqual([]); // no reload

    // filter, search and sort go to the API and narrow the list
    await page.getByLabel('Search by code or name').fill('c-l');
    await page.waitForFunction(() => document.querySelectorAll('tr[data-customer]').length === 2);
    await page.getByLabel('Search by code or name').fill('');
    await page.getByLabel('Status', { exact: true }).selectOption('EXCEEDED');
    await page.waitForFunction(() => document.querySelectorAll('tr[data-customer]').length === 1);
    expect(await page.locator('tr[data-customer]').getAttribute('data-customer')).toBe('C-LIVE');
    await page.getByLabel('Status', { exact: true }).selectOption('');
    await rowsInOrder(page, ['C-DOCS', 'C-HOLD', 'C-LIMIT', 'C-LIVE']);
    expect(await sortOf(page)).toEqual({ Customer: 'ascending' });

    // The sortable column headers: a click sorts highest first, Enter on the same header turns it over
    // (ties by customer code); aria-sort moves to the sorted column.
    const exposureHeader = page.getByRole('columnheader', { name: 'Exposure', exact: true });
    await exposureHeader.getByRole('button').click();
    await rowsInOrder(page, ['C-DOCS', 'C-LIVE', 'C-HOLD', 'C-LIMIT']);
    expect(await sortOf(page)).toEqual({ Exposure: 'descending' });
    await exposureHeader.getByRole('button').focus();
    await page.keyboard.press('Enter');
    await rowsInOrder(page, ['C-HOLD', 'C-LIMIT', 'C-LIVE', 'C-DOCS']);
    expect(await sortOf(page)).toEqual({ Exposure: 'ascending' });
    await page.getByRole('columnheader', { name: 'Status', exact: true }).getByRole('button').click();
    await rowsInOrder(page, ['C-LIVE', 'C-HOLD', 'C-LIMIT', 'C-DOCS']); // EXCEEDED, WARNING (90 %), OK
    expect(await sortOf(page)).toEqual({ Status: 'descending' });
    // header buttons are not filters: the status select still reads All
    expect(await page.getByLabel('Status', { exact: true }).inputValue()).toBe('');

    expect(await accessibilityProblems(page)).toEqual([]);
    await page.mouse.move(0, 0); // no hover underline in the screenshot
    const badges = await contrastRatios(page, '.badge');
    expect(badges.length).toBeGreaterThanOrEqual(4);
    expect(badges.filter((b) => b.ratio < 4.5)).toEqual([]);
    await screenshot(page, 'board');
  });

  it('shows names on the board, searches by name, filters by agent, and sums the customers shown in the strip', async () => {
    const page = await signedIn(token('vera', ['viewer']));
    await row(page, 'C-DOCS').waitFor();
    const nameOf = (customerId: string) => row(page, customerId).locator('[data-name]').textContent();
    expect(await nameOf('C-DOCS')).toBe('Rossi Documenti S.r.l.agent AG-01');
    expect(await nameOf('C-HOLD')).toBe('Bianchi Holding S.p.A.agent AG-02');
    expect(await nameOf('C-LIMIT')).toBe('—');

    // The strip: C-LIVE 1300.00 (over its limit, blocked), C-HOLD 900.00, C-LIMIT 900.00,
    // C-DOCS 2400.00 with 500.00 overdue; the order SO-HOLD-1 (500.00) waits in the holds queue.
    const strip = page.getByRole('region', { name: 'Summary of the customers shown' });
    const figure = (key: string) => strip.locator(`[data-summary="${key}"] .figure`).textContent();
    const stripShows = (key: string, text: string) =>
      page.waitForFunction(
        ([k, t]) => document.querySelector(`[data-summary="${k}"] .figure`)?.textContent === t,
        [key, text],
        { timeout: 10_000 },
      );
    await stripShows('total', '5,500.00').catch(() => undefined);
    expect(await figure('total')).toBe('5,500.00');
    expect(await strip.locator('[data-summary="total"]').textContent()).toContain('customers: 4');
    expect(await figure('exceeded')).toBe('1');
    expect(await figure('blocked')).toBe('1');
    expect(await figure('overdue')).toBe('500.00');
    expect(await figure('holds')).toBe('1');
    expect(await strip.locator('[data-summary="holds"]').textContent()).toContain('500.00');

    // Search by a piece of the name, in any case: the list and the strip narrow together.
    await page.getByLabel('Search by code or name').fill('BIANCHI');
    await rowsInOrder(page, ['C-HOLD']);
    await stripShows('total', '900.00').catch(() => undefined);
    expect(await figure('total')).toBe('900.00');
    expect(await figure('holds')).toBe('1');
    await page.getByLabel('Search by code or name').fill('documenti');
    await rowsInOrder(page, ['C-DOCS']);
    await page.getByLabel('Search by code or name').fill('');

    // The customers of one sales agent.
    await page.getByLabel('Sales agent').fill('AG-01');
    await rowsInOrder(page, ['C-DOCS', 'C-LIVE']);
    await stripShows('total', '3,700.00').catch(() => undefined);
    expect(await figure('total')).toBe('3,700.00');
    expect(await figure('holds')).toBe('0');
    await page.getByLabel('Sales agent').fill('');

    // Sorted by name: customers without one last.
    await page.getByRole('columnheader', { name: 'Name', exact: true }).getByRole('button').click();
    await rowsInOrder(page, ['C-HOLD', 'C-DOCS', 'C-LIVE', 'C-LIMIT']);
    expect(await accessibilityProblems(page)).toEqual([]);
  });

  it('draws the exposure against the limit over time on the customer page, with a title and description', async () => {
    const page = await signedIn(token('vera', ['viewer']));
    await page.goto(`${url}/desk/#/customers/C-LIVE`);
    await page.getByRole('heading', { name: 'Customer C-LIVE – Verdi Live Snc' }).waitFor();
    const chart = page.getByRole('img', { name: /^Exposure against the limit over time/ });
    await chart.waitFor();
    // Readings: NO_LIMIT -> OK (at 0.00 or 500.00: the limit and the order come on two topics),
    // OK -> EXCEEDED at 1300.00, and now.
    const points = await chart
      .locator('circle.exposure-point')
      .evaluateAll((circles) =>
        circles.map((c) => [c.getAttribute('data-total'), c.getAttribute('data-limit')]),
      );
    expect(points).toHaveLength(3);
    expect(['0.00', '500.00']).toContain(points[0][0]);
    expect(points.slice(1)).toEqual([
      ['1300.00', '1000.00'],
      ['1300.00', '1000.00'],
    ]);
    // The exposure line rises above the dashed limit line: the last point is drawn higher (smaller y).
    const limitY = await chart
      .locator('path.limit-line')
      .evaluate((p) => Number(/,([0-9.]+)/.exec(p.getAttribute('d') ?? '')?.[1]));
    const lastY = await chart
      .locator('circle.exposure-point')
      .last()
      .evaluate((c) => Number(c.getAttribute('cy')));
    const firstY = await chart
      .locator('circle.exposure-point')
      .first()
      .evaluate((c) => Number(c.getAttribute('cy')));
    expect(lastY).toBeLessThan(limitY);
    expect(firstY).toBeGreaterThan(limitY);
    const description = await page.locator('#exposure-chart-desc').textContent();
    expect(description).toContain('now 1,300.00');
    expect(description).toContain('limit now 1,000.00');
    expect(await page.locator('dl.summary').first().textContent()).toContain('AG-01');
    expect(await accessibilityProblems(page)).toEqual([]);
  });

  it('drills down from a component of the customer page to one of its documents and open items', async () => {
    const page = await signedIn(token('vera', ['viewer']));
    await row(page, 'C-DOCS').getByRole('link', { name: 'C-DOCS' }).click();
    await page.getByRole('heading', { name: 'Customer C-DOCS' }).waitFor();
    const components = page.locator('table.components');
    expect(await components.textContent()).toContain('950.00');

    await page.getByRole('button', { name: 'Documents of Open orders' }).click();
    await page.getByRole('button', { name: 'SO-DOC-1' }).click();
    const detail = page.getByRole('region', { name: 'Document SO-DOC-1' });
    await detail.waitFor();
    // the order amount, 300.00 of it delivered: labels in words, not the API's field names
    expect(await fields(detail)).toEqual({
      Amount: '900.00',
      'Document type': 'Order',
      'Order amount': '1,200.00',
      'Delivered or invoiced': '300.00',
    });
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Document SO-DOC-1');
    await page.getByRole('button', { name: 'Documents of Delivery notes not invoiced' }).click();
    await page.getByRole('button', { name: 'DN-DOC-1' }).click();
    expect(await fields(page.getByRole('region', { name: 'Document DN-DOC-1' }))).toEqual({
      Amount: '300.00',
      'Document type': 'Delivery note',
      'Delivery note amount': '300.00',
      Invoiced: '0.00',
      'Orders referred to': 'SO-DOC-1: 300.00',
    });

    await page.getByRole('button', { name: 'Documents of Ledger balance' }).click();
    const drill = page.locator('#drilldown');
    await drill.getByText('OI-1').first().waitFor();
    expect(await drill.textContent()).toContain('500.00'); // OI-1 residual after the 300.00 settlement

    const ageing = await page.getByRole('img', { name: 'Ageing buckets of open items' }).textContent();
    expect(ageing).toContain('450.00'); // not due
    expect(ageing).toContain('500.00'); // 31-60 days
    expect(await page.getByRole('region', { name: 'Payment behaviour' }).textContent()).toContain('B-0');
    await page.getByRole('button', { name: 'Documents of Open orders' }).click();
    await page.getByRole('button', { name: 'SO-DOC-1' }).click();
    expect(await accessibilityProblems(page)).toEqual([]);
    await screenshot(page, 'customer');

    // Italian labels and number formats
    await page.getByLabel('Language').selectOption('it');
    await page.getByRole('heading', { name: 'Cliente C-DOCS' }).waitFor();
    expect(await page.locator('table.components').textContent()).toContain('Saldo contabile');
    expect(await page.locator('table.components').textContent()).toContain('2400,00'); // it-IT groups from 5 digits
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('it');
    expect(await fields(page.getByRole('region', { name: 'Documento SO-DOC-1' }))).toEqual({
      Importo: '900,00',
      'Tipo di documento': 'Ordine',
      'Importo dell’ordine': '1200,00',
      'Consegnato o fatturato': '300,00',
    });
  });

  it('keeps a viewer from releasing a hold: the buttons are disabled with the reason, and the API refuses too', async () => {
    const page = await signedIn(token('vera', ['viewer']));
    await page.getByRole('link', { name: 'Holds queue' }).click();
    const hold = page.locator('tr[data-document="SO-HOLD-1"]');
    await hold.waitFor();
    expect(await hold.locator('[data-name]').textContent()).toBe('Bianchi Holding S.p.A.');
    const release = hold.getByRole('button', { name: 'Release' });
    expect(await release.getAttribute('aria-disabled')).toBe('true');
    expect(await hold.textContent()).toContain('Your role cannot decide holds');
    expect(
      await release.evaluate(
        (b) => document.getElementById(b.getAttribute('aria-describedby') ?? '')?.textContent,
      ),
    ).toContain('Your role cannot decide holds');
    await release.focus(); // focusable with its reason, but it does nothing
    await page.keyboard.press('Enter');
    const holdId = await hold.getAttribute('data-hold');
    const denied = await page.evaluate(
      async ([path, bearer]) =>
        (
          await fetch(path, {
            method: 'POST',
            headers: { Authorization: `Bearer ${bearer}`, 'Content-Type': 'application/json' },
            body: '{"reason":"try"}',
          })
        ).status,
      [`/v1/companies/${CO}/holds/${holdId}/release`, token('vera', ['viewer'])],
    );
    expect(denied).toBe(403);
    const stored = await call('GET', `/v1/companies/${CO}/holds/${holdId}`, token('vera', ['viewer']));
    expect(stored.body.status).toBe('pending');
  });

  it('releases a hold as an approver with the keyboard; the decision reaches another open queue at once', async () => {
    const watcher = await signedIn(token('vera', ['viewer']));
    await watcher.getByRole('link', { name: 'Holds queue' }).click();
    await watcher.locator('tr[data-document="SO-HOLD-1"]').waitFor();

    const page = await signedIn(token('maria', ['approver']));
    await page.getByRole('link', { name: 'Holds queue' }).click();
    const hold = page.locator('tr[data-document="SO-HOLD-1"]');
    await hold.waitFor();
    expect(await hold.textContent()).toContain('400.00'); // excess: 1400.00 after, limit 1000.00
    expect(await hold.getByRole('button', { name: 'Release' }).getAttribute('aria-disabled')).toBe('false');
    expect(await accessibilityProblems(page)).toEqual([]);
    await screenshot(page, 'holds');

    // Keyboard only: Tab from the top of the page reaches the reason, then Release.
    const reason = hold.getByLabel('Reason for the decision on SO-HOLD-1');
    await page.locator('body').focus();
    for (let i = 0; i < 80 && !(await reason.evaluate((el) => el === document.activeElement)); i++) {
      await page.keyboard.press('Tab');
    }
    expect(await reason.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Release');
    await page.keyboard.press('Enter');
    await hold.getByText('A reason is required').waitFor(); // mandatory reason, focus back on the field
    expect(await reason.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.type('customer paid by wire today');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');

    await page.getByText('SO-HOLD-1: released by maria').waitFor();
    await hold.waitFor({ state: 'detached' });
    await watcher.locator('tr[data-document="SO-HOLD-1"]').waitFor({ state: 'detached', timeout: 15_000 });
    await watcher.getByText('SO-HOLD-1: released by maria').waitFor();
    const holds = await call('GET', `/v1/companies/${CO}/holds?status=all`, token('vera', ['viewer']));
    const decided = (holds.body.items as Record<string, unknown>[]).find((h) => h.documentId === 'SO-HOLD-1');
    expect(decided).toMatchObject({
      status: 'released',
      decidedBy: 'maria',
      decisionReason: 'customer paid by wire today',
    });
  });

  it('lets a credit manager change a limit, with validation next to the fields, and shows the new status', async () => {
    const page = await signedIn(token('carlo', ['credit-manager']));
    await page.goto(`${url}/desk/#/customers/C-LIMIT`);
    await page.getByRole('heading', { name: 'Customer C-LIMIT' }).waitFor();
    const summary = page.locator('dl.summary').first();
    expect(await summary.locator('[data-status]').getAttribute('data-status')).toBe('WARNING'); // 900 of 1000

    const form = page.getByRole('form', { name: 'Set a credit limit' });
    await form.getByLabel('Limit', { exact: true }).fill('2.000,00');
    await form.getByLabel('Attention threshold (%)').fill('0');
    await form.getByRole('button', { name: 'Save' }).click();
    expect(await form.locator('#limit-amount-error').textContent()).toBe(
      'Enter an amount such as 1500 or 1500.50',
    );
    expect(await form.locator('#limit-attentionThresholdPct-error').textContent()).toBe(
      'Enter a whole number from 1 to 100',
    );
    expect(await form.locator('#limit-reason-error').textContent()).toBe('A reason is required');
    expect(await form.getByLabel('Limit', { exact: true }).getAttribute('aria-describedby')).toBe(
      'limit-amount-error',
    );

    await form.getByLabel('Limit', { exact: true }).fill('2000');
    await form.getByLabel('Attention threshold (%)').fill('80');
    await form.getByLabel('Reason').fill('new bank guarantee');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.getByText('Saved.').waitFor();
    await page.waitForFunction(
      () => document.querySelector('dl.summary [data-status]')?.getAttribute('data-status') === 'OK',
      undefined,
      { timeout: 30_000 },
    );
    const history = page.getByRole('table', { name: 'Limit history' });
    await history.getByText('new bank guarantee').waitFor();
    expect(await history.textContent()).toContain('carlo');

    // The API's own validation messages land next to the field they name.
    await page.getByRole('link', { name: 'Limits and parameters' }).click();
    const parameters = page.getByRole('form', { name: 'Company parameters' });
    await parameters.getByLabel('Days a bill stays at risk after its due date').fill('999');
    await parameters.getByLabel('Reason').fill('test');
    await parameters.getByRole('button', { name: 'Save' }).click();
    const message = await parameters.locator('#param-billRiskDays-error').textContent();
    expect(message).toMatch(/^billRiskDays /);
    expect(await accessibilityProblems(page)).toEqual([]);
  });
  /**
   * The alert routes for real: a credit manager's inbox subscription for vera,
   * the notifier running in this process, and a customer pushed over its
   * limit, so that the engine's events reach vera's inbox through Kafka and
   * Postgres exactly as in production.
   */
  describe('inbox filled by the notifier, and alert subscriptions kept through the page', () => {
    let notifier: INestApplication;
    const vera = () => token('vera', ['viewer']);
    const manager = () => token('carlo', ['credit-manager']);
    const subscription = (id: string) => call('GET', `/v1/companies/${CO}/subscriptions/${id}`, manager());
    interface Entry {
      deliveryId: string;
      eventType: string;
      readAt: string | null;
    }
    const inboxOf = async (bearer: string, query = '') => {
      const response = await call('GET', `/v1/me/inbox${query}`, bearer);
      expect(response.status).toBe(200);
      return response.body as { items: Entry[]; total: number; unread: number };
    };

    beforeAll(async () => {
      notifier = await startNotifier(stack);
      // Only the excesses of C-INBOX: its first evaluation (under the limit) is not one.
      const put = await call('PUT', `/v1/companies/${CO}/subscriptions/inbox-vera`, manager(), {
        channel: 'inbox',
        target: 'vera',
        eventTypes: ['exposure.statusChanged', 'customer.blocked'],
        filter: { customerIds: ['C-INBOX'], minExcess: '0.01' },
        digest: 'immediate',
        enabled: true,
      });
      expect(put.status).toBe(201);

      const topics = stack.engine.kafka.topics;
      await producer.events(topics.customers, [
        event('C-INBOX', 'cu', 'customer.updated', { name: 'Neri Avvisi S.r.l.', salesAgentId: 'AG-02' }),
      ]);
      await producer.events(topics.creditLimits, [limitEvent('C-INBOX', '1000.00', 'block')]);
      await eventually(
        () => exposure('C-INBOX'),
        (r) => r.status === 200 && r.body.limit !== null && r.body.customerName === 'Neri Avvisi S.r.l.',
      );
      // 1300.00 over a limit of 1000.00: EXCEEDED, and blocked (block mode).
      await producer.events(topics.documents, [order('C-INBOX', 'SO-I1', '1300.00')]);
      await eventually(
        () => inboxOf(vera()),
        (inbox) => inbox.total === 2,
      );
    });

    afterAll(async () => {
      await notifier?.close();
    });

    it('shows the unread count in the navigation, lists the notifications and marks one read', async () => {
      const delivered = (await inboxOf(vera())).items;
      expect(delivered.map((e) => e.eventType).sort()).toEqual([
        'customer.blocked',
        'exposure.statusChanged',
      ]);
      const breach = delivered.find((e) => e.eventType === 'exposure.statusChanged')!;
      const block = delivered.find((e) => e.eventType === 'customer.blocked')!;

      const page = await signedIn(vera());
      const inboxLink = page.getByRole('link', { name: /^Inbox/ });
      await page.locator('nav a[data-unread="2"]').waitFor();
      expect(await inboxLink.textContent()).toBe('Inbox2, 2 unread');

      await inboxLink.click();
      await page.getByRole('heading', { name: 'Your notifications' }).waitFor();
      const listed = page.locator('li[data-notification]');
      await listed.first().waitFor();
      // Newest first, as the API lists them.
      expect(
        await listed.evaluateAll((items) => items.map((i) => i.getAttribute('data-notification'))),
      ).toEqual(delivered.map((e) => e.deliveryId));
      const first = page.locator(`li[data-notification="${breach.deliveryId}"]`);
      expect(await first.locator('h3').textContent()).toBe(
        'Unread C-INBOX Neri Avvisi S.r.l.: Status change',
      );
      expect(await first.textContent()).toContain(
        'Now Exceeded (was OK): exposure 1,300.00 against a limit of 1,000.00.',
      );
      expect(
        await first.getByRole('link', { name: 'C-INBOX – Neri Avvisi S.r.l.' }).getAttribute('href'),
      ).toBe('#/customers/C-INBOX');
      expect(await page.locator(`li[data-notification="${block.deliveryId}"]`).textContent()).toContain(
        'Reasons: Limit exceeded.',
      );
      await screenshot(page, 'inbox');

      await first
        .getByRole('button', { name: 'Mark "C-INBOX Neri Avvisi S.r.l.: Status change" as read' })
        .click();
      await first.getByText(/^Read /).waitFor();
      await page.locator('nav a[data-unread="1"]').waitFor();
      expect(await first.getByRole('button').count()).toBe(0);
      // Stored: the API has it read, the other one still unread.
      const after = await inboxOf(vera());
      expect(after.unread).toBe(1);
      expect(after.items.find((e) => e.deliveryId === breach.deliveryId)?.readAt).not.toBeNull();
      expect(after.items.find((e) => e.deliveryId === block.deliveryId)?.readAt).toBeNull();
      expect(await accessibilityProblems(page)).toEqual([]);

      await page.getByLabel('Only unread').check();
      await page.waitForFunction(() => document.querySelectorAll('li[data-notification]').length === 1);
      expect(await listed.getAttribute('data-notification')).toBe(block.deliveryId);

      // Someone else's inbox stays empty: the entries are vera's only.
      expect((await inboxOf(token('luca', ['viewer']))).total).toBe(0);
    });

    it('lets a credit manager create, edit and delete an alert subscription; a viewer has no such page', async () => {
      const page = await signedIn(manager());
      await page.getByRole('link', { name: 'Alert subscriptions' }).click();
      await page.locator('tr[data-subscription="inbox-vera"]').waitFor();

      const form = page.getByRole('form', { name: 'New subscription' });
      await form.getByLabel('Identifier').fill('sales-alerts');
      await form.getByRole('button', { name: 'Save' }).click();
      expect(await form.locator('#sub-target-error').textContent()).toBe('A recipient is required');
      expect((await subscription('sales-alerts')).status).toBe(404);
      await form.getByLabel('Recipient').fill('sales-agent');
      await form.getByLabel('Document held').check();
      await form.getByLabel('Only customers of these agents').fill('AG-01, AG-02');
      await form.getByLabel('Minimum excess over the limit').fill('500');
      await form.getByRole('button', { name: 'Save' }).click();
      const row = page.locator('tr[data-subscription="sales-alerts"]');
      await row.waitFor();
      expect((await subscription('sales-alerts')).body).toMatchObject({
        companyId: CO,
        subscriptionId: 'sales-alerts',
        channel: 'email',
        target: 'sales-agent',
        eventTypes: ['exposure.statusChanged', 'customer.blocked', 'document.held'],
        filter: { salesAgentIds: ['AG-01', 'AG-02'], minExcess: '500' },
        digest: 'immediate',
        hasSecret: false,
        enabled: true,
        updatedBy: 'carlo',
      });
      expect(await row.textContent()).toContain('Document held');
      await screenshot(page, 'subscriptions');
      expect(await accessibilityProblems(page)).toEqual([]);

      // Edit: a webhook with its secret (stored, never returned nor listed).
      await row.getByRole('button', { name: 'Edit sales-alerts' }).click();
      const edit = page.getByRole('form', { name: 'Edit sales-alerts' });
      await edit.getByLabel('Channel').selectOption('webhook');
      await edit.getByLabel('Recipient').fill('https://erp.example/hooks/credit');
      await edit.getByLabel('Signing secret').fill('s3cret-of-20-chars!!');
      await edit.getByRole('button', { name: 'Save' }).click();
      await page.getByRole('form', { name: 'New subscription' }).waitFor();
      await row.getByText('https://erp.example/hooks/credit').waitFor();
      const stored = await subscription('sales-alerts');
      expect(stored.body).toMatchObject({
        channel: 'webhook',
        target: 'https://erp.example/hooks/credit',
        hasSecret: true,
        filter: { salesAgentIds: ['AG-01', 'AG-02'], minExcess: '500' },
      });
      expect(stored.body).not.toHaveProperty('secret');
      const listedBody = JSON.stringify(
        (await call('GET', `/v1/companies/${CO}/subscriptions`, manager())).body,
      );
      expect(listedBody).toContain('sales-alerts');
      expect(listedBody).not.toContain('s3cret');
      expect(await row.textContent()).not.toContain('s3cret');

      await row.getByRole('button', { name: 'Delete sales-alerts' }).click();
      await page.getByText('Subscription sales-alerts deleted.').waitFor();
      await row.waitFor({ state: 'detached' });
      expect((await subscription('sales-alerts')).status).toBe(404);

      const viewer = await signedIn(vera());
      expect(await viewer.getByRole('link', { name: 'Alert subscriptions' }).count()).toBe(0);
    });
  });

  /**
   * Credit classes, the class assignment, the limit proposal and four eyes on
   * limits (spec section 11), seeded through the real routes: approval roles
   * with `maxLimit`, a limit change above its setter's authority that becomes
   * a request (202), a class created with PUT …/credit-classes/{code}.
   */
  describe('credit classes and limit requests', () => {
    const company = `/v1/companies/${CO}`;
    const admin = () => token('admin-anna', ['admin']);
    const manager = (subject: string) => token(subject, ['credit-manager']);
    const vera = () => token('vera', ['viewer']);

    /** An approval role with no hold authority and `maxLimit` as limit authority, held by `members`. */
    async function limitRole(name: string, maxLimit: string | null, members: string[]) {
      const role = await call('PUT', `${company}/approval-roles/${name}`, admin(), {
        maxExcess: '0.00',
        mayReleaseOverdue: false,
        maxLimit,
      });
      expect([200, 201]).toContain(role.status);
      for (const member of members) {
        const added = await call('PUT', `${company}/approval-roles/${name}/members/${member}`, admin());
        expect([200, 201]).toContain(added.status);
      }
    }

    beforeAll(async () => {
      await limitRole('limits-small', '20000.00', ['nina', 'paolo']);
      await limitRole('limits-large', '100000.00', ['lara']);
    });

    it('shows pending limit requests: the requester and a user without enough authority cannot decide; another credit manager approves with a reason', async () => {
      // Paolo's authority (20,000.00) does not cover 50,000.00: his change becomes a request.
      const asked = await call('PUT', `${company}/customers/C-LIMIT/credit-limit`, manager('paolo'), {
        amount: '50000.00',
        mode: 'block',
        attentionThresholdPct: 80,
        reason: 'new contract with the group',
      });
      expect(asked.status).toBe(202);
      expect(asked.body).toMatchObject({ status: 'pending', requestedBy: 'paolo', amount: '50000.00' });
      const requestId = String(asked.body.requestId);
      const stored = () => call('GET', `${company}/customers/C-LIMIT/credit-limit-requests`, vera());

      const open = async (subject: string) => {
        const page = await signedIn(manager(subject));
        await page.getByRole('link', { name: 'Limit requests' }).click();
        await page.getByRole('heading', { name: 'Limit requests awaiting approval' }).waitFor();
        const request = page.locator(`tr[data-request="${requestId}"]`);
        await request.waitFor();
        return { page, request };
      };
      const reasonOf = (button: Locator) =>
        button.evaluate(
          (b) => document.getElementById(b.getAttribute('aria-describedby') ?? '')?.textContent,
        );

      // The requester never decides its own request.
      const requester = await open('paolo');
      expect(await requester.request.textContent()).toContain('50,000.00');
      expect(await requester.request.textContent()).toContain('new contract with the group');
      const own = requester.request.getByRole('button', { name: 'Approve' });
      expect(await own.getAttribute('aria-disabled')).toBe('true');
      expect(await reasonOf(own)).toBe('You requested this change: someone else must decide.');
      expect(
        await requester.request.getByRole('button', { name: 'Reject' }).getAttribute('aria-disabled'),
      ).toBe('true');
      await own.focus(); // focusable with its reason, but it does nothing
      await requester.page.keyboard.press('Enter');

      // A limit authority of 20,000.00 does not cover 50,000.00.
      const small = await open('nina');
      const capped = small.request.getByRole('button', { name: 'Approve' });
      expect(await capped.getAttribute('aria-disabled')).toBe('true');
      expect(await reasonOf(capped)).toBe('The amount is above your limit authority (20,000.00).');

      // Lara's authority covers it: the reason is mandatory, then the approval is sent with it.
      const { page, request } = await open('lara');
      const approve = request.getByRole('button', { name: 'Approve' });
      expect(await approve.getAttribute('aria-disabled')).toBe('false');
      expect(await accessibilityProblems(page)).toEqual([]);
      await approve.click();
      await request.getByText('A reason is required').waitFor();
      expect((await stored()).body.items).toEqual([
        expect.objectContaining({ requestId, status: 'pending', decidedBy: null }),
      ]);
      await request
        .getByLabel('Reason for the decision on the request for C-LIMIT')
        .fill('guarantee received');
      await approve.click();
      await page.getByText('Request for C-LIMIT: approved by lara').waitFor();
      expect((await stored()).body.items).toEqual([
        expect.objectContaining({
          requestId,
          status: 'approved',
          decidedBy: 'lara',
          decisionReason: 'guarantee received',
        }),
      ]);
      await request.waitFor({ state: 'detached' });
      await page.getByText('No pending limit requests.').waitFor();
      // The approval applied the limit (creditLimit.set through the outbox, folded by the engine).
      await eventually(
        () => exposure('C-LIMIT'),
        (r) => r.status === 200 && (r.body.limit as { amount?: string } | null)?.amount === '50000.00',
      );
    });

    it('shows the credit class and terms on the customer page and the board, assigns a class, shows the proposal, and says when a limit change became a request', async () => {
      const gold = await call('PUT', `${company}/credit-classes/GOLD`, manager('carlo'), {
        description: 'Gold customers',
        maxPaymentTermsDays: 90,
        maxDocumentAmount: '20000.00',
        reviewEveryDays: 365,
      });
      expect([200, 201]).toContain(gold.status);
      // A year's turnover for the proposal: 36,500.00 invoiced ten days ago.
      await producer.events(stack.engine.kafka.topics.documents, [
        event('C-DOCS', 'FT-GOLD-1', 'invoice.issued', {
          invoiceId: 'FT-GOLD-1',
          kind: 'invoice',
          amount: '36500.00',
          invoiceDate: day(-10),
        }),
      ]);

      const page = await signedIn(manager('nina'));
      await page.goto(`${url}/desk/#/customers/C-DOCS`);
      await page.getByRole('heading', { name: 'Customer C-DOCS' }).waitFor();
      const terms = page.getByTestId('credit-terms');
      expect(await terms.getByTestId('credit-class').textContent()).toBe('No class');

      const assign = page.getByRole('form', { name: 'Assign a credit class' });
      await assign.getByLabel('Credit class').selectOption('GOLD');
      await assign.getByRole('button', { name: 'Assign' }).click();
      expect(await assign.locator('#class-reason-error').textContent()).toBe('A reason is required');
      expect((await call('GET', `${company}/customers/C-DOCS/credit-class`, vera())).status).toBe(404);
      await assign.getByLabel('Reason').fill('fit after the annual review');
      await assign.getByRole('button', { name: 'Assign' }).click();
      await page.getByText('Class GOLD assigned.').waitFor();
      expect((await call('GET', `${company}/customers/C-DOCS/credit-class`, vera())).body).toMatchObject({
        customerId: 'C-DOCS',
        code: 'GOLD',
        reason: 'fit after the annual review',
        assignedBy: 'nina',
      });
      await terms.getByText('GOLD', { exact: true }).waitFor();
      expect(await terms.getByTestId('max-payment-terms').textContent()).toBe('90 days');
      expect(await page.getByTestId('class-assignment').textContent()).toContain('assigned by nina on');

      // The proposal beside the current limit, with its basis (the API's, from the class's terms).
      const proposal = await eventually(
        () => call('GET', `${company}/customers/C-DOCS/credit-limit/proposal`, vera()),
        (r) =>
          r.status === 200 &&
          (r.body.basis as { termsSource: string; turnover12m: string }).termsSource === 'class' &&
          (r.body.basis as { turnover12m: string }).turnover12m === '36500.00',
      );
      const basis = proposal.body.basis as Record<string, string | number>;
      expect(basis).toMatchObject({ turnover12m: '36500.00', maxPaymentTermsDays: 90 });
      await page.reload();
      await page.getByRole('heading', { name: 'Customer C-DOCS' }).waitFor();
      const money = (value: string) =>
        new Intl.NumberFormat('en-GB', { minimumFractionDigits: 2 }).format(Number(value));
      expect(await page.getByTestId('proposed-amount').textContent()).toBe(
        money(String(proposal.body.proposedAmount)),
      );
      expect(await page.getByTestId('proposal-basis').textContent()).toContain(
        'Invoiced turnover 36,500.00 from',
      );
      expect(await page.getByTestId('proposal-basis').textContent()).toContain(
        `(90 days of terms, from the class, + ${basis.avgDaysLate} days late on average) × ${basis.factor} for risk class ${basis.riskClass}`,
      );
      expect(await accessibilityProblems(page)).toEqual([]);

      // A temporary limit needs its end date; a change above the user's authority becomes a request.
      const form = page.getByRole('form', { name: 'Set a credit limit' });
      await form.getByLabel('Limit', { exact: true }).fill('50000');
      await form.getByLabel('Temporary limit', { exact: true }).fill('60000');
      await form.getByLabel('Reason').fill('new contract with the group');
      await form.getByRole('button', { name: 'Save' }).click();
      expect(await form.locator('#limit-temporaryUntil-error').textContent()).toBe(
        'Give both the temporary limit and its end date, or neither',
      );
      await form.getByLabel('Temporary limit until').fill(day(30));
      await form.getByRole('button', { name: 'Save' }).click();
      const pending = await eventually(
        () => call('GET', `${company}/customers/C-DOCS/credit-limit-requests?status=pending`, vera()),
        (r) => r.status === 200 && (r.body.items as unknown[]).length === 1,
      );
      const [requested] = pending.body.items as Record<string, unknown>[];
      expect(requested).toMatchObject({
        requestedBy: 'nina',
        amount: '50000.00',
        temporaryAmount: '60000.00',
        temporaryUntil: day(30),
        reason: 'new contract with the group',
      });
      await form
        .getByText(
          `The change is above your authority: request ${String(requested.requestId)} was created and awaits a second approver.`,
        )
        .waitFor();

      // The board's class column.
      await page.getByRole('link', { name: 'Exposure board' }).click();
      await row(page, 'C-DOCS').waitFor();
      await row(page, 'C-DOCS').locator('[data-credit-class]', { hasText: 'GOLD' }).waitFor();
      expect(await row(page, 'C-LIVE').locator('[data-credit-class]').textContent()).toBe('—');
    });
  });

  describe('the Today page and the collection case', () => {
    let db: DataSource;

    beforeAll(async () => {
      // The cases are seeded in the projection as the engine's projector writes them
      // (customers the engine has no events of, so it never projects over them).
      db = createDataSource(stack.api.postgres, 1);
      await db.initialize();
      await seedExposureRow(db, CO, {
        customerId: 'T-SMALL',
        name: 'Piccoli Snc',
        level: 1,
        action: 'reminder',
        levelReachedOn: day(-3),
        overdueAmount: '100.00',
        oldestDueDate: day(-10),
      });
      await seedExposureRow(db, CO, {
        customerId: 'T-BIG',
        name: 'Grandi S.p.A.',
        level: 3,
        action: 'out-of-court',
        levelReachedOn: day(0),
        overdueAmount: '1000.00',
        oldestDueDate: day(-45),
        assignee: 'anna',
      });
      await seedExposureRow(db, CO, {
        customerId: 'T-MID',
        name: 'Medi S.r.l.',
        level: 2,
        action: 'formal-notice',
        levelReachedOn: day(-9),
        overdueAmount: '300.00',
        oldestDueDate: day(-30),
        promiseStatus: 'broken',
        promiseAmount: '300.00',
        promiseDate: day(-2),
        promiseBrokenOn: day(-1),
      });
    });

    afterAll(async () => {
      await db?.destroy();
    });

    /** The seeded customers the Today page lists, in its order. */
    const todayOrder = (page: Page) =>
      page
        .locator('table.worklist tr[data-customer^="T-"]')
        .evaluateAll((rows) =>
          rows.map((r) => `${r.getAttribute('data-customer')} ${r.getAttribute('data-kind')}`),
        );

    it('lists the cases by amount x days overdue; a promise logged from a row shows in the case history', async () => {
      const page = await signedIn(token('anna', ['approver']));
      await page.getByRole('link', { name: 'Today' }).click();
      await page.getByRole('heading', { name: "Today's interventions" }).waitFor();
      await row(page, 'T-SMALL').waitFor();
      // 1000.00 x 45 = 45000, 300.00 x 30 = 9000, 100.00 x 10 = 1000.
      expect(await todayOrder(page)).toEqual([
        'T-BIG level-reached',
        'T-MID promise-broken',
        'T-SMALL level-reached',
      ]);
      expect(await row(page, 'T-MID').textContent()).toContain('Promise to pay broken');
      expect(await row(page, 'T-MID').textContent()).toContain('Call the customer');
      expect(await accessibilityProblems(page)).toEqual([]);

      // Two clicks: open the promise form under the row (amount and date filled in), save.
      await page.getByRole('button', { name: 'Record a promise to pay of T-MID Medi S.r.l.' }).click();
      const form = page.locator('form.log-form');
      expect(await form.getByLabel('Amount promised').inputValue()).toBe('300.00');
      await form.getByLabel('Amount promised').fill('250');
      await form.getByLabel('To be paid by').fill(day(14));
      await form.getByLabel('What was said or done').fill('The owner will pay 250.00 in two weeks');
      await screenshot(page, 'today');
      await form.getByRole('button', { name: 'Save the promise' }).click();
      await page.getByText('Promise to pay recorded for T-MID').waitFor();
      // One click: a call.
      await page.getByRole('button', { name: 'Log a call with T-BIG Grandi S.p.A.' }).click();
      await page.getByText('Call recorded for T-BIG').waitFor();

      // The case history of the customer page shows the promise (audited, as the API recorded it).
      // (By its address: once the engine folds the promise of a customer it has no items of, the row may go.)
      await page.goto(`${url}/desk/#/customers/T-MID`);
      const history = page.locator('table.case-history');
      await history.locator('tr[data-action="promise"]').waitFor();
      const recorded = await history.locator('tr[data-action="promise"]').textContent();
      expect(recorded).toContain('The owner will pay 250.00 in two weeks');
      expect(recorded).toContain('250.00');
      expect(recorded).toContain('anna');
      const actions = await call(
        'GET',
        `/v1/companies/${CO}/customers/T-MID/collection-actions`,
        token('v', ['viewer']),
      );
      expect(actions.body.items).toMatchObject([
        { type: 'promise', promise: { amount: '250.00', date: day(14) }, recordedBy: 'anna' },
      ]);
      expect(await accessibilityProblems(page)).toEqual([]);
      await screenshot(page, 'collection-case');
    });

    it('speaks Italian, and a viewer sees the worklist without the logging buttons', async () => {
      const page = await signedIn(token('vittorio', ['viewer']));
      await page.getByLabel('Language').selectOption('it');
      await page.getByRole('link', { name: 'Oggi' }).click();
      await page.getByRole('heading', { name: 'Interventi di oggi' }).waitFor();
      // T-SMALL: no action was recorded on it, so its seeded case stays as it is.
      await row(page, 'T-SMALL').waitFor();
      expect(await row(page, 'T-SMALL').textContent()).toContain(
        'Livello di sollecito raggiunto (livello 1)',
      );
      expect(await row(page, 'T-SMALL').textContent()).toContain('Inviare un sollecito');
      expect(await row(page, 'T-SMALL').getByRole('button').count()).toBe(0);
    });
  });
});
