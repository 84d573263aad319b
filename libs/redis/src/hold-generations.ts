import Redis from 'ioredis';
import { HeldDocument } from '@credit/contracts';
import { customerKey, RedisKeys } from './keys';

/** Raises the stored generation, never lowers it: a late write of an older decision changes nothing. */
const RAISE = `local current = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
if tonumber(ARGV[2]) > current then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
return 0`;

const field = (document: HeldDocument) => `${document.documentType}:${document.documentId}`;

/**
 * The hold generation of each document: how many holds of it were decided.
 * The API (which decides holds in Postgres) raises it after each decision; the
 * engine reads it to name the hold of an asynchronous check
 * (documentHoldId), so a check of a document whose hold is pending names that
 * hold, and one after a decision names a new one. Postgres stays the record;
 * this is the engine's view of it, shared like the company parameters.
 */
export class HoldGenerations {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  /** The generation of each document (0 when none of its holds was decided), in the order given. */
  async load(documents: readonly HeldDocument[]): Promise<number[]> {
    if (documents.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const document of documents) {
      pipeline.hget(
        this.keys.holdGenerations(customerKey(document.companyId, document.customerId)),
        field(document),
      );
    }
    const results = (await pipeline.exec()) ?? [];
    return results.map(([error, value]) => {
      if (error) throw error;
      return value === null ? 0 : Number(value);
    });
  }

  /** Records that `generation` holds of the document have been decided. */
  async raise(document: HeldDocument, generation: number): Promise<void> {
    await this.redis.eval(
      RAISE,
      1,
      this.keys.holdGenerations(customerKey(document.companyId, document.customerId)),
      field(document),
      String(generation),
    );
  }
}
