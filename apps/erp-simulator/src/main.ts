import 'reflect-metadata';
import { addDays, businessDateAt, formatMoney } from '@credit/domain';
import { ConfigError, EngineSettings, engineSettings, tokenPolicySettings } from '@credit/config';
import { CliCommand, parseCli, UsageError, USAGE } from './cli';
import { DEMO_APPROVAL_ROLE, DEMO_HELD_ORDER, demoStory, expectedOutcome, releaseSteps } from './demo-story';
import { DemoToken, demoTokens, seedApprovalRole } from './demo-setup';
import { describeEvent } from './describe';
import { generateScenario, interleave, Scenario } from './scenario';
import { KafkaProblem, openSender, outbound, Sender, SendReport, sendPaced } from './send';

/**
 * The ERP simulator: produces the input events of the contract (spec section 3) to Kafka,
 * either as the paced live demo or as a generated, seeded scenario. See USAGE in cli.ts.
 */

const out = (line = '') => process.stdout.write(`${line}\n`);
const err = (line: string) => process.stderr.write(`erp-simulator: ${line}\n`);

let interrupted = false;
const DAY_MS = 86_400_000;

/** The engine's business date: now (moved by CLOCK_OFFSET_DAYS) in the default time zone. */
const engineToday = (settings: EngineSettings): string =>
  businessDateAt(new Date(Date.now() + settings.clockOffsetDays * DAY_MS), settings.defaultTimeZone);

const pad = (text: string, width: number) => text.padEnd(width);

async function runDemo(settings: EngineSettings, seconds: number): Promise<number> {
  const today = engineToday(settings);
  const runTag = Date.now().toString(36);
  const draft = demoStory({ today, start: new Date(), runTag, timeZone: settings.defaultTimeZone });
  const paceMs = Math.floor((seconds * 1000) / Math.max(1, draft.steps.length - 1));
  const breaching = `${draft.companyId}:${draft.breaching}`;
  const port = process.env.API_PORT?.trim() || '3000';
  const exposureUrl = `http://127.0.0.1:${port}/v1/companies/${draft.companyId}/customers/${draft.breaching}/exposure`;

  out(`ERP simulator demo: ${draft.steps.length} events of company ${draft.companyId} over ~${seconds}s`);
  out(`business date ${today}; Kafka at ${settings.kafka.brokers.join(', ')}`);
  for (const c of draft.customers)
    out(`  ${draft.companyId}:${c.customerId} ${pad(c.name, 28)} -> ${c.expect}`);
  const secret = process.env.AUTH_JWT_SECRET;
  const deskUrl = `http://127.0.0.1:${port}/desk/`;
  let tokens: DemoToken[] = [];
  if (secret !== undefined && secret.trim() !== '') {
    try {
      // The API's own token policy: its issuer and audience, and no longer than it accepts.
      const policy = tokenPolicySettings();
      tokens = demoTokens(secret, policy);
      await seedApprovalRole(`http://127.0.0.1:${port}`, secret, policy).then(
        () =>
          out(
            `approval role ${DEMO_APPROVAL_ROLE.name} seeded: releases up to ${DEMO_APPROVAL_ROLE.maxExcess} over the limit; ` +
              `held by ${DEMO_APPROVAL_ROLE.members.join(' and ')}`,
          ),
        (error: Error) =>
          err(`approval role not seeded (is the risk API up on port ${port}?): ${error.message}`),
      );
    } catch (error) {
      err(`no tokens printed: ${(error as Error).message}`);
    }
  } else {
    out(
      '(AUTH_JWT_SECRET is not set: no tokens printed; mint one with `npm run token -- --sub me --roles viewer --companies IT01`)',
    );
  }
  for (const person of tokens) {
    out('');
    out(
      `${person.subject} (${person.roles.join(', ')}, company ${draft.companyId}, valid 8h): ${person.does}`,
    );
    out(person.token);
  }
  const viewer = tokens.find((t) => t.roles.includes('viewer'));
  if (viewer !== undefined) {
    out('');
    out(`exposure of the customer that will breach its limit (${breaching}):`);
    out(`curl -s -H "Authorization: Bearer ${viewer.token}" ${exposureUrl}`);
  }
  out('');
  for (const line of releaseSteps(deskUrl)) out(line);
  out('');

  const sender = await openSender(settings.kafka, out);
  let sent = 0;
  const started = Date.now();
  // Timestamps follow the real sending times: the story is rebuilt with the start we actually got.
  const story = demoStory({
    today,
    start: new Date(started),
    paceMs,
    runTag,
    timeZone: settings.defaultTimeZone,
  });
  try {
    for (const [i, step] of story.steps.entries()) {
      if (interrupted) break;
      const wait = started + i * paceMs - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      await sender.send([outbound(settings.kafka, step)]);
      sent++;
      out(describeEvent(step.envelope));
    }
  } finally {
    await sender.close();
  }

  out('');
  out(`sent ${sent} of ${story.steps.length} events in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  if (sent < story.steps.length) return 130;
  out(`expected state on ${today} (what the engine publishes and the API now returns):`);
  const outcome = expectedOutcome(story);
  for (const c of story.customers) {
    const a = outcome.get(c.customerId);
    if (a === undefined) continue;
    const limit =
      a.limitAmount === null ? 'no limit' : `limit ${formatMoney(a.limitAmount)} (${a.utilizationPct}%)`;
    const overdue =
      a.overdueAmount > 0n ? `, overdue ${formatMoney(a.overdueAmount)} (${a.oldestOverdueDays}d)` : '';
    const blocked = a.blocked ? `  BLOCKED ${a.blockReasons.join(',')}` : '';
    out(
      `  ${story.companyId}:${c.customerId} ${pad(a.status, 8)} total ${pad(formatMoney(a.total), 9)} ${limit}${overdue}${blocked}`,
    );
  }
  out(
    `look for exposure.statusChanged (${breaching} -> EXCEEDED) on ${settings.kafka.topics.breaches} ` +
      `and customer.blocked on ${settings.kafka.topics.blocks}`,
  );
  if (viewer !== undefined)
    out(`re-run the curl above: ${breaching} is now "status": "EXCEEDED", "blocked": true`);
  out(
    `order ${DEMO_HELD_ORDER.documentId} of ${draft.companyId}:${DEMO_HELD_ORDER.customerId} is now in the holds queue: ` +
      `release it on ${deskUrl} as described above`,
  );
  return 0;
}

function printCounts(scenario: Scenario, settings: EngineSettings, byTopic?: Map<string, number>): void {
  const rows = Object.entries(scenario.streams).map(([stream, list]) => {
    const topic = settings.kafka.topics[stream as keyof typeof scenario.streams];
    return [topic, byTopic === undefined ? list.length : (byTopic.get(topic) ?? 0)] as const;
  });
  const width = Math.max(...rows.map(([topic]) => topic.length));
  for (const [topic, count] of rows) out(`  ${pad(topic, width)} ${String(count).padStart(9)}`);
}

async function runGenerated(
  settings: EngineSettings,
  command: Extract<CliCommand, { kind: 'generate' }>,
): Promise<number> {
  const startDate = command.startDate ?? addDays(engineToday(settings), -180);
  const scenario = generateScenario({
    seed: command.seed,
    companies: command.companies,
    customers: command.customers,
    eventsPerCustomer: command.eventsPerCustomer,
    startDate,
    timeZone: settings.defaultTimeZone,
  });
  const events = interleave(scenario.streams, command.seed);
  out(
    `scenario seed ${command.seed}: ${command.companies.join(',')} x ${command.customers} customers x ` +
      `${command.eventsPerCustomer} events from ${startDate} = ${events.length} events`,
  );
  if (command.dryRun) {
    out('dry run, nothing sent; events per topic:');
    printCounts(scenario, settings);
    return 0;
  }
  const pace = command.rate > 0 ? `${command.rate} events/s` : 'as fast as possible, batches of 500';
  out(`sending to Kafka at ${settings.kafka.brokers.join(', ')} (${pace})`);
  const messages = events.map((e) => outbound(settings.kafka, e));
  const sender: Sender = await openSender(settings.kafka, out);
  let lastReport = Date.now();
  let report: SendReport;
  try {
    report = await sendPaced(messages, sender.send, {
      rate: command.rate,
      keepGoing: () => !interrupted,
      onBatch: (sent) => {
        if (Date.now() - lastReport >= 2000) {
          lastReport = Date.now();
          out(`  ${sent}/${messages.length} sent`);
        }
      },
    });
  } finally {
    await sender.close();
  }
  const seconds = report.elapsedMs / 1000;
  const eps = seconds > 0 ? Math.round(report.sent / seconds) : report.sent;
  out(
    `sent ${report.sent} of ${messages.length} events in ${seconds.toFixed(1)}s (${eps} events/s); per topic:`,
  );
  printCounts(scenario, settings, report.byTopic);
  return report.sent < messages.length ? 130 : 0;
}

export async function main(argv: readonly string[]): Promise<number> {
  let command: CliCommand;
  try {
    command = parseCli(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    err(`${error.message}\n${USAGE}`);
    return 2;
  }
  if (command.kind === 'help') {
    out(USAGE);
    return 0;
  }
  let settings: EngineSettings;
  try {
    settings = engineSettings();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    err(error.message);
    return 2;
  }
  const stop = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    err('stopping after the batch in flight (Ctrl-C again to quit at once)');
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    return command.kind === 'demo'
      ? await runDemo(settings, command.seconds)
      : await runGenerated(settings, command);
  } catch (error) {
    if (error instanceof KafkaProblem) {
      err(error.message);
      return 1;
    }
    err(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 1;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => process.exit(code));
}
