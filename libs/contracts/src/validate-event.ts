import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { decodeInputEvent } from './decode';
import { DEFAULT_TOPICS, INPUT_STREAMS, InputStream } from './schemas';

/**
 * `npm run validate-event -- file.json --topic erp.documents [--key IT01:C000123]`
 *
 * For ERP teams: checks events against the engine's own decoder before they
 * are sent, and says what the engine would dead-letter, naming the field and
 * the rule. The file holds one event (a JSON object) or a JSON array of events.
 * Each event is checked as the value of one Kafka message whose key is
 * `--key`, or `<companyId>:<customerId>` of the event when no key is given
 * (the key the contract asks for). `--topic` is the topic's default name or
 * its stream (documents, journalEntries, billPortfolio, creditLimits,
 * customers). Exit code 0 when every event would be applied, 1 when one would
 * be dead-lettered, 2 for a usage error.
 */

export interface EventVerdict {
  index: number;
  ok: boolean;
  /** `ok <type> <eventId>` or `invalid <reason> <field>: <message>`. */
  line: string;
}

/** The input stream a topic name (default names) or a stream name stands for. */
export function streamOfTopic(topic: string): InputStream | undefined {
  const byName = INPUT_STREAMS.find((s) => s === topic);
  return byName ?? INPUT_STREAMS.find((s) => DEFAULT_TOPICS[s] === topic);
}

const keyOf = (event: unknown): string | null => {
  const e = event as { companyId?: unknown; customerId?: unknown } | null;
  return typeof e?.companyId === 'string' && typeof e?.customerId === 'string'
    ? `${e.companyId}:${e.customerId}`
    : null;
};

/** The verdict of each event of a file's text. */
export function validateEvents(text: string, stream: InputStream, key?: string): EventVerdict[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON as a whole: checked as one message, so the decoder names the problem as the engine would.
    parsed = undefined;
  }
  const values: Buffer[] = Array.isArray(parsed)
    ? parsed.map((event) => Buffer.from(JSON.stringify(event), 'utf8'))
    : [Buffer.from(text, 'utf8')];
  const events: unknown[] = Array.isArray(parsed) ? parsed : [parsed];
  return values.map((value, index) => {
    const messageKey = key ?? keyOf(events[index]);
    const result = decodeInputEvent(
      stream,
      messageKey === null ? null : Buffer.from(messageKey, 'utf8'),
      value,
    );
    return result.ok
      ? { index, ok: true, line: `ok ${result.fact.type} ${result.fact.eventId}` }
      : {
          index,
          ok: false,
          line: `invalid ${result.reason}${result.field ? ` ${result.field}` : ''}: ${result.message}`,
        };
  });
}

export function main(argv: string[]): number {
  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { topic: { type: 'string' }, key: { type: 'string' } },
    });
  } catch (error) {
    console.error(`validate-event: ${(error as Error).message}`);
    return 2;
  }
  const [file] = args.positionals;
  const stream = args.values.topic === undefined ? undefined : streamOfTopic(args.values.topic);
  if (file === undefined || args.positionals.length > 1 || stream === undefined) {
    console.error(
      'usage: npm run validate-event -- <file.json> --topic <topic> [--key <companyId:customerId>]\n' +
        `  --topic: one of ${INPUT_STREAMS.map((s) => DEFAULT_TOPICS[s]).join(', ')} (or the stream name)`,
    );
    return 2;
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    console.error(`validate-event: cannot read ${file}: ${(error as Error).message}`);
    return 2;
  }
  const verdicts = validateEvents(text, stream, args.values.key);
  for (const verdict of verdicts) {
    console.log(verdicts.length === 1 ? verdict.line : `[${verdict.index}] ${verdict.line}`);
  }
  return verdicts.every((v) => v.ok) ? 0 : 1;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
