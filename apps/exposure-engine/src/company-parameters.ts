import { CompanyParameters, DEFAULT_PARAMETERS, parametersFromJson, withDefaults } from '@credit/domain';
import { CompanyParametersStore } from '@credit/redis';

/** Where the engine learns a company's parameters: loaded per batch, read synchronously while folding. */
export interface CompanyParametersSource {
  /** `fresh`: read the store even if cached (after a change of parameters). */
  prefetch(companyIds: Iterable<string>, fresh?: boolean): Promise<void>;
  get(companyId: string): CompanyParameters;
  /** What `get` answers now, as stored ('' for none): a write's CustomerWrite.assessedWith. */
  storedOf(companyId: string): string;
  /** Drops what was read: the store was lost and its parameters restored meanwhile. */
  forget(): void;
}

/**
 * Parameters of the companies in play, refreshed at most every `ttlMs`. A
 * company that never set any folds with the contract's defaults in the
 * configured time zone.
 */
export class CachedCompanyParameters implements CompanyParametersSource {
  private readonly cache = new Map<
    string,
    { parameters: CompanyParameters; stored: string; loadedAt: number }
  >();
  private readonly defaults: CompanyParameters;

  constructor(
    private readonly store: CompanyParametersStore,
    defaultTimeZone: string,
    private readonly ttlMs = 2_000,
  ) {
    this.defaults = { ...DEFAULT_PARAMETERS, timeZone: defaultTimeZone };
  }

  async prefetch(companyIds: Iterable<string>, fresh = false): Promise<void> {
    const now = Date.now();
    const stale = [...new Set(companyIds)].filter((id) => {
      const entry = this.cache.get(id);
      return fresh || entry === undefined || now - entry.loadedAt > this.ttlMs;
    });
    if (stale.length === 0) return;
    const loaded = await this.store.stored(stale);
    for (const id of stale) {
      const stored = loaded.get(id);
      this.cache.set(id, {
        parameters: stored ? withDefaults(parametersFromJson(stored), this.defaults) : this.defaults,
        stored: stored ?? '',
        loadedAt: now,
      });
    }
  }

  get(companyId: string): CompanyParameters {
    return this.cache.get(companyId)?.parameters ?? this.defaults;
  }

  storedOf(companyId: string): string {
    return this.cache.get(companyId)?.stored ?? '';
  }

  forget(): void {
    this.cache.clear();
  }
}
