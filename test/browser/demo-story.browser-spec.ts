// Code passed to page.evaluate() runs in the browser and uses its globals.
/// <reference lib="dom" />
import { INestApplication } from '@nestjs/common';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { businessDateAt } from '@credit/domain';
import { inputMessage } from '@credit/contracts';
import { demoTokens, DemoToken, seedApprovalRole } from '../../apps/erp-simulator/src/demo-setup';
import { DEMO_COMPANY, DEMO_HELD_ORDER, demoStory } from '../../apps/erp-simulator/src/demo-story';
import { isolatedStack, IsolatedStack } from '../support/isolated-stack';
import { eventually, TestProducer } from '../support/kafka-io';
import { startApi, startEngine, TestClock, tokenFor } from '../support/running-apps';
import { accessibilityProblems, ensureDeskBuilt, launchChromium, listen, screenshot } from './desk-browser';

type Locale = 'en' | 'it';

/**
 * The demo a person acts in (`npm run demo`), in Chromium: the demo story fed
 * to the engine, the approval role seeded by the demo's own code, the desk in
 * English and in Italian (the README's screenshots), then the printed steps
 * followed: the approver releases the held order, the viewer may not; an
 * admin corrects and re-drives a dead letter on the desk.
 */
describe('the demo story on the risk desk', () => {
  let stack: IsolatedStack;
  let engine: INestApplication;
  let api: INestApplication;
  let producer: TestProducer;
  let browser: Browser;
  let url: string;
  let people: Record<string, DemoToken>;
  let admin: string;
  const contexts: BrowserContext[] = [];

  const badOrder = {
    eventId: 'demo-bad-1',
    type: 'order.confirmed',
    schemaVersion: 1,
    occurredAt: new Date().toISOString(),
    companyId: DEMO_COMPANY,
    customerId: 'C005',
    data: { orderId: 'SO-5009', amount: 980 },
  };

  const get = async (path: string, bearer: string) => {
    const response = await fetch(`${url}${path}`, { headers: { Authorization: `Bearer ${bearer}` } });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  async function signedIn(bearer: string, locale: Locale): Promise<Page> {
    const context = await browser.newContext({
      locale: locale === 'en' ? 'en-GB' : 'it-IT',
      viewport: { width: 1360, height: 900 },
    });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${url}/desk/`);
    await page.locator('#token').fill(bearer);
    await page.locator('form button[type="submit"]').click();
    await page.locator('nav').waitFor();
    await page.locator('[data-live="live"]').waitFor({ timeout: 30_000 });
    return page;
  }

  beforeAll(async () => {
    ensureDeskBuilt();
    stack = await isolatedStack({ API_DEAD_LETTER_INTAKE: 'true' });
    producer = new TestProducer(stack.kafka);
    await producer.connect();
    api = await startApi(stack);
    url = await listen(api);
    const now = new Date();
    engine = await startEngine(stack, new TestClock(now));
    browser = await launchChromium();

    // What `npm run demo` does: tokens, the approval role through the API, then the story.
    people = Object.fromEntries(
      demoTokens(stack.api.jwtSecret, stack.api.tokenPolicy).map((p) => [p.subject, p]),
    );
    admin = tokenFor(stack, ['admin'], [DEMO_COMPANY], 'demo-admin');
    await seedApprovalRole(url, stack.api.jwtSecret, stack.api.tokenPolicy);
    const story = demoStory({
      today: businessDateAt(now, stack.engine.defaultTimeZone),
      start: now,
      paceMs: 0,
      runTag: stack.id,
    });
    for (const { stream, envelope } of story.steps) {
      const { key, value } = inputMessage(envelope);
      await producer.raw(stack.engine.kafka.topics[stream], key.toString(), value);
    }
    await producer.raw(stack.engine.kafka.topics.documents, `${DEMO_COMPANY}:C005`, JSON.stringify(badOrder));
    await eventually(
      () => get(`/v1/companies/${DEMO_COMPANY}/holds`, people['demo-approver'].token),
      (r) =>
        r.status === 200 &&
        (r.body.items as { documentId: string }[]).some((h) => h.documentId === DEMO_HELD_ORDER.documentId),
      60_000,
      200,
    );
    await eventually(
      () => get('/v1/admin/dead-letters', admin),
      (r) => r.status === 200 && r.body.total === 1,
      60_000,
      200,
    );
  }, 180_000);

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await producer?.disconnect();
    await engine?.close();
    await api?.close();
    await stack?.cleanup();
  });

  it.each<Locale>(['en', 'it'])(
    'shows the board, the breaching customer, the held order and the dead letters (%s)',
    async (locale) => {
      const viewer = await signedIn(people['demo-viewer'].token, locale);
      for (const customerId of ['C001', 'C002', 'C003', 'C004', 'C005'])
        await viewer.locator(`tr[data-customer="${customerId}"]`).waitFor();
      await viewer.locator('tr[data-customer="C002"] [data-status="EXCEEDED"]').waitFor({ timeout: 30_000 });
      await viewer.mouse.move(0, 0);
      await screenshot(viewer, `demo-board.${locale}`);

      await viewer.goto(`${url}/desk/#/customers/C002`);
      await viewer.locator('#customer-title').getByText('Bianchi Costruzioni').waitFor();
      // Loaded when its last section (the collection case) is: the live stream keeps the network busy.
      await viewer.locator('[data-collection] h3').waitFor();
      await screenshot(viewer, `demo-customer.${locale}`);

      const approver = await signedIn(people['demo-approver'].token, locale);
      await approver.goto(`${url}/desk/#/holds`);
      await approver.locator(`tr[data-document="${DEMO_HELD_ORDER.documentId}"]`).waitFor();
      await approver.mouse.move(0, 0);
      await screenshot(approver, `demo-holds.${locale}`);

      const operator = await signedIn(admin, locale);
      await operator.goto(`${url}/desk/#/dead-letters`);
      await operator
        .locator('[data-testid="dead-letter-counts"] tr[data-reason="VALIDATION_FAILED"]')
        .waitFor();
      await operator.locator('[data-testid="dead-letters"] tr[data-event-id]').waitFor();
      expect(await accessibilityProblems(operator)).toEqual([]);
      await screenshot(operator, `demo-dead-letters.${locale}`);
    },
    180_000,
  );

  it('follows the printed steps: the viewer may not release the held order, the approver does', async () => {
    const hold = (page: Page) => page.locator(`tr[data-document="${DEMO_HELD_ORDER.documentId}"]`);
    const viewer = await signedIn(people['demo-viewer'].token, 'en');
    await viewer.getByRole('link', { name: 'Holds queue' }).click();
    await hold(viewer).waitFor();
    expect(await hold(viewer).getByRole('button', { name: 'Release' }).getAttribute('aria-disabled')).toBe(
      'true',
    );

    const approver = await signedIn(people['demo-approver'].token, 'en');
    await approver.getByRole('link', { name: 'Holds queue' }).click();
    await hold(approver).waitFor();
    await hold(approver)
      .getByLabel(`Reason for the decision on ${DEMO_HELD_ORDER.documentId}`)
      .fill('Bank guarantee received this morning');
    await hold(approver).getByRole('button', { name: 'Release' }).click();
    await approver.getByText(`${DEMO_HELD_ORDER.documentId}: released by demo-approver`).waitFor();
    const holds = await get(`/v1/companies/${DEMO_COMPANY}/holds?status=all`, people['demo-viewer'].token);
    expect(
      (holds.body.items as Record<string, unknown>[]).find(
        (h) => h.documentId === DEMO_HELD_ORDER.documentId,
      ),
    ).toMatchObject({ status: 'released', decidedBy: 'demo-approver' });
  }, 120_000);

  it('corrects and re-drives a dead letter on the desk; the order then counts in the exposure', async () => {
    const operator = await signedIn(admin, 'en');
    await operator.getByRole('link', { name: 'Dead letters' }).click();
    const letter = operator.locator('[data-testid="dead-letters"] tr[data-event-id]');
    await letter.getByRole('button', { name: 'Open to correct' }).click();
    expect(await operator.getByTestId('dead-letter-original').textContent()).toBe(JSON.stringify(badOrder));
    const corrected = operator.getByLabel('Corrected event (JSON)');
    await corrected.fill(JSON.stringify({ ...badOrder, data: { orderId: 'SO-5009', amount: '980,00' } }));
    await operator.getByLabel('What was corrected, and why').fill('Amount sent as a number by the export');
    await operator.getByRole('button', { name: 'Re-drive' }).click();
    // Still wrong: the API names the field and the rule, under the field.
    await operator.getByText(/event\.data\.amount: .*data\.amount must/).waitFor();
    await corrected.fill(JSON.stringify({ ...badOrder, data: { orderId: 'SO-5009', amount: '980.00' } }));
    await operator.getByRole('button', { name: 'Re-drive' }).click();
    await operator
      .getByText(/re-driven as/)
      .first()
      .waitFor();
    await eventually(
      () => get(`/v1/companies/${DEMO_COMPANY}/customers/C005/exposure`, people['demo-viewer'].token),
      (r) => (r.body.components as Record<string, string> | undefined)?.orders === '980.00',
    );
  }, 120_000);
});
