import { customerKey } from '@credit/contracts';
import {
  BusinessDate,
  CompanyParameters,
  CustomerDraft,
  CustomerRecord,
  Fact,
  newCustomerRecord,
  planReview,
  reassess,
} from '@credit/domain';

/** Where the pure domain work of a batch went, in milliseconds (filled only when asked for). */
export interface FoldTimes {
  apply: number;
  evaluate: number;
  /** Archiving, finishing the draft and planning the review: once per customer per batch. */
  finish: number;
}

/**
 * The engine's fold without any I/O (apps/exposure-engine/src/fold.service.ts): one CustomerDraft per
 * customer per batch, taking its documents over as the engine does, `draft.apply` and `reassess` on the
 * draft's maintained figures for every applied fact, then archiving, finishing the draft and planning the
 * review once per customer at the end of the batch. The bench's floor and stage costs use it, so that
 * they measure the work the engine does per event, not the per-fact copies of the pure `applyFact`.
 */
export class DomainFold {
  readonly customers = new Map<string, CustomerRecord>();

  constructor(
    private readonly params: CompanyParameters,
    private readonly windowDays = 35,
    private readonly quietDays = 35,
  ) {}

  /** Folds one batch of facts; returns how many were applied. */
  batch(facts: Iterable<Fact>, businessDate: BusinessDate, times?: FoldTimes): number {
    const open = new Map<string, { record: CustomerRecord; draft: CustomerDraft }>();
    let applied = 0;
    for (const fact of facts) {
      const key = customerKey(fact.companyId, fact.customerId);
      let write = open.get(key);
      if (write === undefined) {
        const record = this.customers.get(key) ?? newCustomerRecord(fact.companyId, fact.customerId);
        write = { record, draft: CustomerDraft.take(record.documents, this.windowDays, this.quietDays) };
        open.set(key, write);
      }
      const t0 = times === undefined ? 0 : performance.now();
      const outcome = write.draft.apply(fact);
      const t1 = times === undefined ? 0 : performance.now();
      if (outcome.kind === 'applied') {
        const { documents, figures } = write.draft;
        write.record = reassess(
          write.record,
          documents,
          businessDate,
          this.params,
          false,
          null,
          figures,
        ).record;
        applied += 1;
      }
      if (times !== undefined) {
        const t2 = performance.now();
        times.apply += t1 - t0;
        times.evaluate += t2 - t1;
      }
    }
    const t3 = times === undefined ? 0 : performance.now();
    for (const [key, { record, draft }] of open) {
      draft.archiveQuiet(record.assessment?.collection?.openedOn);
      this.customers.set(key, planReview({ ...record, documents: draft.finish() }, this.params));
    }
    if (times !== undefined) times.finish += performance.now() - t3;
    return applied;
  }
}
