import { CustomerRecord } from '@credit/domain';
import { RecordCache } from './record-cache';
import { RedisExposureStore } from './exposure-store';

/**
 * Customers' records as the engine last stored them, for readers outside the
 * engine (the API's credit check). Each read asks Redis for the version and
 * gets the state only when it changed, so a customer checked again and again
 * between two of its events is transferred and decoded once. Never stale: the
 * version is read every time.
 */
export class LiveRecords {
  private readonly cache: RecordCache<CustomerRecord>;

  constructor(
    private readonly store: RedisExposureStore,
    capacity: number,
  ) {
    this.cache = new RecordCache(capacity);
  }

  /** The stored record, or null when the engine has never written this customer. */
  async get(key: string): Promise<CustomerRecord | null> {
    const held = this.cache.get(key);
    const record = await this.store.recordUnlessHeld(key, held);
    if (record !== null && record !== held) this.cache.remember(key, record);
    return record;
  }
}
