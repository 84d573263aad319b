// Code passed to page.evaluate() runs in the browser and uses its globals.
/// <reference lib="dom" />
import { INestApplication } from '@nestjs/common';
import { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { Role } from '@credit/auth';
import { isolatedStack, IsolatedStack } from '../support/isolated-stack';
import { eventually, RawEvent, TestProducer } from '../support/kafka-io';
import { startApi, startEngine, TestClock, tokenFor } from '../support/running-apps';
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
    await waitForTotal('C-LIVE', '500.00');
    await waitForTotal('C-HOLD', '900.00');
    await waitForTotal('C-LIMIT', '900.00');
    // orders 900 + deliveries 300 + ledger 950 + bills at risk 250
    await waitForTotal('C-DOCS', '2400.00');

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
    await page.getByLabel('Search by customer code').fill('c-l');
    await page.waitForFunction(() => document.querySelectorAll('tr[data-customer]').length === 2);
    await page.getByLabel('Search by customer code').fill('');
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
});
