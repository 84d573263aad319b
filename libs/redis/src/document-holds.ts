import { RedisClient } from './connection';
import { customerKey, HeldDocument } from '@credit/contracts';
import { RedisKeys } from './keys';

/**
 * Raises the stored steps, never lowers them: a late write of an older step
 * (an engine hold committed after the API decided it) changes nothing.
 */
const RAISE_HOLD_STEPS = `local current = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
if tonumber(ARGV[2]) > current then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
return 0`;

/** Where a document stands with its holds. */
export interface DocumentHoldState {
  /** How many holds of the document were decided (released or rejected): names its next hold. */
  generation: number;
  /** True when the hold of this generation exists and waits for a decision. */
  pending: boolean;
}

/** The field of a document in its customer's hash. */
export const documentHoldField = (document: Pick<HeldDocument, 'documentType' | 'documentId'>) =>
  `${document.documentType}:${document.documentId}`;

/**
 * The steps of a document after its hold of `generation` was created: a
 * document's holds go created, decided, created, decided…, so the steps taken
 * are 2 × decided, plus one while a hold is pending. One number that only
 * grows, so writes from the API and the engine in any order keep the highest.
 */
export const heldSteps = (generation: number) => 2 * generation + 1;
/** The steps of a document once `decided` of its holds were decided. */
export const decidedSteps = (decided: number) => 2 * decided;

const stateOf = (steps: number): DocumentHoldState => ({
  generation: Math.floor(steps / 2),
  pending: steps % 2 === 1,
});

/**
 * Each document's holds as the engine needs them: how many were decided (its
 * generation, which names its next hold: documentHoldId) and whether one is
 * pending. The API, which creates synchronous holds and decides every hold in
 * Postgres, records each step right after its commit; the engine records the
 * holds it creates in its batch commit (RedisExposureStore), and answers a
 * check of a document whose hold is pending with that hold. Postgres stays the
 * record; this is the engine's view of it, shared like the company parameters.
 */
export class DocumentHolds {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
  ) {}

  /** The state of each document (generation 0, nothing pending, when unknown), in the order given. */
  async load(documents: readonly HeldDocument[]): Promise<DocumentHoldState[]> {
    if (documents.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const document of documents) {
      pipeline.hget(this.keyOf(document), documentHoldField(document));
    }
    const results = (await pipeline.exec()) ?? [];
    return results.map(([error, value]) => {
      if (error) throw error;
      return stateOf(value === null ? 0 : Number(value));
    });
  }

  /** Records that the document's hold of `generation` was created and is pending. */
  async held(document: HeldDocument, generation: number): Promise<void> {
    await this.raise(document, heldSteps(generation));
  }

  /** Records that `decided` holds of the document have been decided: none is pending. */
  async decided(document: HeldDocument, decided: number): Promise<void> {
    await this.raise(document, decidedSteps(decided));
  }

  private async raise(document: HeldDocument, steps: number): Promise<void> {
    await this.redis.eval(
      RAISE_HOLD_STEPS,
      1,
      this.keyOf(document),
      documentHoldField(document),
      String(steps),
    );
  }

  private keyOf(document: HeldDocument): string {
    return this.keys.documentHolds(customerKey(document.companyId, document.customerId));
  }
}
