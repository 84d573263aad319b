import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { HttpException } from '@nestjs/common';
import { commonSettings, ConfigError } from '@credit/config';
import { ApiOutbox, createDataSource, DeadLettersRepository } from '@credit/postgres';
import { DeadLetters } from './dead-letters.service';

/**
 * `npm run dlq -- <command>`: the dead letters for an operator at a shell,
 * straight from Postgres (the settings of the apps: POSTGRES_URL, the topic
 * names). The same rules as the admin routes (GET/POST /v1/admin/dead-letters).
 *
 *   list [--reason R] [--topic T] [--pending] [--limit N]   newest first, one per line
 *   counts [--topic T]                                      by reason: total and not re-driven
 *   show <eventId>                                          the dead letter in full, as JSON
 *   redrive <eventId> --file corrected.json --reason "..." [--by name]
 *
 * A re-drive is queued in the API's outbox with its trail, in one transaction;
 * a running risk API publishes it to the original topic within a moment.
 * Exit code 0 on success, 1 when refused (the reason is printed), 2 on a usage error.
 */

const USAGE = `usage: npm run dlq -- list [--reason R] [--topic T] [--pending] [--limit N]
       npm run dlq -- counts [--topic T]
       npm run dlq -- show <eventId>
       npm run dlq -- redrive <eventId> --file corrected.json --reason "what was corrected" [--by name]`;

export interface DlqIo {
  out(line: string): void;
  err(line: string): void;
}

class UsageError extends Error {}

export async function runDlq(argv: string[], deadLetters: DeadLetters, io: DlqIo): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        reason: { type: 'string' },
        topic: { type: 'string' },
        pending: { type: 'boolean' },
        limit: { type: 'string' },
        file: { type: 'string' },
        by: { type: 'string' },
      },
    });
    const [command, id] = positionals;
    switch (command) {
      case 'list': {
        const limit = values.limit === undefined ? 50 : Number(values.limit);
        if (!Number.isInteger(limit) || limit < 1 || limit > 500)
          throw new UsageError('--limit must be an integer from 1 to 500');
        const { items, total } = await deadLetters.list(
          {
            companies: '*',
            reason: values.reason,
            topic: values.topic,
            pending: values.pending || undefined,
          },
          { limit, offset: 0 },
        );
        for (const d of items) {
          io.out(
            [
              d.eventId,
              d.occurredAt,
              d.reason,
              `${d.source.topic}[${d.source.partition}]@${d.source.offset}`,
              d.field ?? '-',
              d.redrive ? `redriven as ${d.redrive.newEventId} by ${d.redrive.by}` : 'pending',
            ].join('  '),
          );
        }
        io.out(`${items.length} of ${total}`);
        return 0;
      }
      case 'counts': {
        for (const c of await deadLetters.countsByReason({ companies: '*', topic: values.topic })) {
          io.out(`${c.reason}  ${c.total} total  ${c.pending} pending`);
        }
        return 0;
      }
      case 'show': {
        if (id === undefined) throw new UsageError('show needs the dead letter eventId');
        io.out(JSON.stringify(await deadLetters.show(id, '*'), null, 2));
        return 0;
      }
      case 'redrive': {
        if (id === undefined) throw new UsageError('redrive needs the dead letter eventId');
        if (values.file === undefined) throw new UsageError('redrive needs --file with the corrected event');
        if (values.reason === undefined || values.reason.trim() === '')
          throw new UsageError('redrive needs --reason: what was corrected, and why');
        let event: unknown;
        try {
          event = JSON.parse(readFileSync(values.file, 'utf8'));
        } catch (error) {
          throw new UsageError(`--file ${values.file}: ${(error as Error).message}`);
        }
        if (typeof event !== 'object' || event === null || Array.isArray(event))
          throw new UsageError(`--file ${values.file} must hold one JSON object (the corrected event)`);
        const by = values.by ?? `cli:${userInfo().username}`;
        const trail = await deadLetters.redrive(
          id,
          { event: event as Record<string, unknown>, reason: values.reason },
          by,
          '*',
        );
        io.out(JSON.stringify(trail, null, 2));
        io.out(`queued for ${trail.topic}; a running risk API publishes it`);
        return 0;
      }
      default:
        throw new UsageError(command === undefined ? 'a command is needed' : `unknown command ${command}`);
    }
  } catch (error) {
    if (error instanceof HttpException) {
      io.err(`dlq: ${error.message}`);
      return 1;
    }
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`dlq: ${(error as Error).message}\n${USAGE}`);
      return 2;
    }
    throw error;
  }
}

async function main(): Promise<number> {
  let settings;
  try {
    settings = commonSettings();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`dlq: ${error.message}`);
      return 2;
    }
    throw error;
  }
  const db = createDataSource(settings.postgres, 2);
  await db.initialize();
  try {
    const deadLetters = new DeadLetters(
      new DeadLettersRepository(db, new ApiOutbox(db)),
      settings.kafka.topics,
      () => new Date(),
    );
    return await runDlq(process.argv.slice(2), deadLetters, {
      out: (line) => console.log(line),
      err: (line) => console.error(line),
    });
  } finally {
    await db.destroy();
  }
}

if (require.main === module) {
  main().then(
    (code) => (process.exitCode = code),
    (error: Error) => {
      console.error(`dlq: ${error.message}`);
      process.exitCode = 1;
    },
  );
}
