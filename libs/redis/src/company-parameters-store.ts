import { RedisClient } from './connection';
import { CompanyParameters, parametersFromJson, parametersToJson } from '@credit/domain';
import { RedisKeys } from './keys';

/** In one partition: the parameters its customers are now reviewed for, and a review of each at once (day 0). */
const REVIEW_PARTITION = `redis.call('SET', KEYS[1], ARGV[1])
local members = redis.call('SMEMBERS', KEYS[2])
for _, member in ipairs(members) do redis.call('ZADD', KEYS[3], 0, member) end
return #members`;

/**
 * Company parameters, shared by the API (which changes them) and the engine.
 * A change puts every customer of the company up for review at once, so their
 * exposures follow the new parameters without waiting for an event.
 */
export class CompanyParametersStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
  ) {}

  /** The stored parameters (money as Cents); fields missing from older records stay missing. */
  async load(companyIds: string[]): Promise<Map<string, Partial<CompanyParameters>>> {
    const stored = await this.stored(companyIds);
    return new Map([...stored].map(([id, value]) => [id, parametersFromJson(value)]));
  }

  /**
   * The parameters as stored (JSON), of the companies that set any. The engine's
   * commit compares them with the stored ones (CustomerWrite.assessedWith).
   */
  async stored(companyIds: string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    if (companyIds.length === 0) return found;
    const values = await this.redis.mget(...companyIds.map((id) => this.keys.companyParameters(id)));
    values.forEach((value, i) => value !== null && found.set(companyIds[i], value));
    return found;
  }

  /**
   * Stores the parameters, then, partition by partition (each in its own slot),
   * puts the company's customers up for review; returns how many. A fold that
   * read the parameters before the review was set commits as usual; one that
   * assessed with older ones after it does not clear the review
   * (COMMIT_SCRIPT, CustomerWrite.assessedWith).
   */
  async save(companyId: string, parameters: CompanyParameters): Promise<number> {
    const stored = parametersToJson(parameters);
    await this.redis.set(this.keys.companyParameters(companyId), stored);
    const counts = await Promise.all(
      this.keys
        .allPartitions()
        .map((p) =>
          this.redis.eval(
            REVIEW_PARTITION,
            3,
            this.keys.reviewedParameters(companyId, p),
            this.keys.companyCustomers(companyId, p),
            this.keys.review(p),
            stored,
          ),
        ),
    );
    return counts.reduce<number>((sum, count) => sum + Number(count), 0);
  }

  /**
   * Puts back parameters from their durable copy (Postgres: the JSON of the
   * latest audited change, the same form as stored here) unless some are
   * stored: after Redis was lost, before the engine folds anything again.
   * True when they were missing and are restored.
   */
  async restoreIfAbsent(companyId: string, storedJson: string): Promise<boolean> {
    const reply = await this.redis.set(this.keys.companyParameters(companyId), storedJson, 'NX');
    return reply === 'OK';
  }
}
