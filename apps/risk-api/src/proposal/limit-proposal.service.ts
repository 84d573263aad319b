import { customerKey } from '@credit/contracts';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiSettings } from '@credit/config';
import {
  assess,
  businessDateAt,
  Clock,
  emptyDocuments,
  formatMoney,
  PaymentTermsSource,
  proposeCreditLimit,
  systemClock,
} from '@credit/domain';
import { CreditGovernanceRepository } from '@credit/postgres';
import { CompanyParametersStore, LiveRecords } from '@credit/redis';
import {
  API_CLOCK,
  API_SETTINGS,
  COMPANY_PARAMETERS_STORE,
  CREDIT_GOVERNANCE,
  DATA_SOURCE,
  LIVE_RECORDS,
} from '../tokens';
import { foldedParameters } from '../credit-checks/credit-checks.service';
import { LimitProposalView } from './limit-proposal.dto';

/**
 * The credit limit a customer's history supports (spec section 11), from the
 * engine's live state in Redis like the synchronous credit check: its
 * invoices and payment behaviour assessed today, the class terms the API
 * assigned, the company's proposal factors.
 */
@Injectable()
export class LimitProposalService {
  private readonly clock: Clock;

  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    @Inject(CREDIT_GOVERNANCE) private readonly repository: CreditGovernanceRepository,
    @Inject(API_SETTINGS) private readonly settings: ApiSettings,
    @Inject(LIVE_RECORDS) private readonly records: LiveRecords,
    @Inject(COMPANY_PARAMETERS_STORE) private readonly parameters: CompanyParametersStore,
    @Optional() @Inject(API_CLOCK) clock?: Clock,
  ) {
    this.clock = clock ?? systemClock();
  }

  async propose(companyId: string, customerId: string): Promise<LimitProposalView> {
    const [record, params, creditClass] = await Promise.all([
      this.records.get(customerKey(companyId, customerId)),
      foldedParameters(this.parameters, this.settings.defaultTimeZone, companyId),
      this.repository.classOfCustomer(this.db.manager, companyId, customerId),
    ]);
    const documents = record?.documents ?? emptyDocuments();
    const businessDate = businessDateAt(this.clock.now(), params.timeZone);
    const assessment = assess(documents, businessDate, params);
    const customerTerms = documents.profile?.paymentTermsDays ?? null;
    const [paymentTermsDays, termsSource]: [number, PaymentTermsSource] =
      creditClass !== undefined
        ? [creditClass.max_payment_terms_days, 'class']
        : customerTerms !== null
          ? [customerTerms, 'customer']
          : [0, 'none'];
    const proposal = proposeCreditLimit({
      invoices: documents.invoices.values(),
      archivedTurnover: documents.archive?.turnover,
      businessDate,
      paymentTermsDays,
      termsSource,
      avgDaysLate: assessment.avgDaysLate,
      riskClass: assessment.riskClass,
      factors: params.limitProposalFactors,
    });
    return {
      proposedAmount: formatMoney(proposal.proposedAmount),
      currentLimit: documents.limit === null ? null : formatMoney(documents.limit.amount),
      basis: {
        turnover12m: formatMoney(proposal.turnover12m),
        fromDate: proposal.fromDate,
        toDate: proposal.toDate,
        maxPaymentTermsDays: proposal.paymentTermsDays,
        termsSource: proposal.termsSource,
        avgDaysLate: proposal.avgDaysLate,
        riskClass: proposal.riskClass,
        factor: proposal.factor,
      },
    };
  }
}
