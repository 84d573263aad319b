import { BadRequestException, Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Principal } from '@credit/auth';
import { ApiSettings } from '@credit/config';
import {
  CompanyParameters,
  CompanyParametersWire,
  COMPONENTS,
  DEFAULT_PARAMETERS,
  DunningPolicy,
  parametersFromJson,
  parametersToJson,
  parametersToWire,
  withDefaults,
} from '@credit/domain';
import { advisoryLock, CompanyParametersChangesRepository } from '@credit/postgres';
import { CompanyParametersStore } from '@credit/redis';
import { PageQuery, pageOf } from '../http/paging';
import { API_SETTINGS, COMPANY_PARAMETERS_STORE, DATA_SOURCE } from '../tokens';
import {
  CompanyParametersChangeResult,
  CompanyParametersChangeView,
  CompanyParametersHistoryPage,
  EffectiveCompanyParameters,
  UpdateCompanyParametersBody,
} from './company-parameters.dto';

const RISK_CLASSES = ['A', 'B', 'C'] as const;
const BOUNDS = ['maxAvgDaysLate', 'maxDishonouredBills'] as const;

/** A plain copy (no DTO class instances, no frozen objects): what is stored. */
const plain = (parameters: CompanyParameters): CompanyParameters =>
  parametersFromJson(parametersToJson(parameters)) as CompanyParameters;

/**
 * A change of the parameters: the PUT /parameters body, or the dunning policy
 * (given whole, in Cents) from its own route (PUT /dunning-policy), so that
 * both are audited, saved and reviewed the same way.
 */
export type ParametersChange = UpdateCompanyParametersBody & { dunning?: DunningPolicy };

/**
 * The body merged over the effective parameters: top-level fields replace,
 * nested objects merge field by field, a risk class is replaced whole.
 */
export function mergeParameters(current: CompanyParameters, body: ParametersChange): CompanyParameters {
  const included = { ...current.includedComponents };
  for (const component of COMPONENTS) {
    const value = body.includedComponents?.[component];
    if (value !== undefined) included[component] = value;
  }
  const riskClasses = { ...current.riskClasses };
  for (const name of RISK_CLASSES) {
    const bound = body.riskClasses?.[name];
    if (bound !== undefined) {
      riskClasses[name] = {
        maxAvgDaysLate: bound.maxAvgDaysLate,
        maxDishonouredBills: bound.maxDishonouredBills,
      };
    }
  }
  const checks = { ...current.documentChecks };
  for (const type of ['order', 'delivery', 'invoice'] as const) {
    const value = body.documentChecks?.[type];
    if (value !== undefined) checks[type] = value;
  }
  const factors = { ...current.limitProposalFactors };
  for (const name of ['A', 'B', 'C', 'D'] as const) {
    const value = body.limitProposalFactors?.[name];
    if (value !== undefined) factors[name] = value;
  }
  return plain({
    timeZone: body.timeZone ?? current.timeZone,
    includedComponents: included,
    billRiskDays: body.billRiskDays ?? current.billRiskDays,
    missingLimit: body.missingLimit ?? current.missingLimit,
    riskClasses,
    documentChecks: checks,
    limitProposalFactors: factors,
    dunning: body.dunning ?? current.dunning,
  });
}

/** Risk classes must be ordered A <= B <= C on both thresholds: one message per violation, naming the field. */
export function riskClassOrderErrors(parameters: CompanyParameters): string[] {
  const errors: string[] = [];
  for (const bound of BOUNDS) {
    for (let i = 1; i < RISK_CLASSES.length; i++) {
      const lower = RISK_CLASSES[i - 1];
      const higher = RISK_CLASSES[i];
      const lowerValue = parameters.riskClasses[lower][bound];
      const value = parameters.riskClasses[higher][bound];
      if (value < lowerValue) {
        errors.push(
          `riskClasses.${higher}.${bound} must be >= riskClasses.${lower}.${bound} (${value} < ${lowerValue})`,
        );
      }
    }
  }
  return errors;
}

/** True when the body changes nothing but carries a reason (nothing to audit). */
const hasChanges = (body: ParametersChange): boolean =>
  Object.keys(body).some(
    (key) => key !== 'reason' && (body as unknown as Record<string, unknown>)[key] !== undefined,
  );

/** The durable copy (an audit row's `after`, stored as JSON carries it) as stored parameters. */
const durable = (after: unknown): Partial<CompanyParameters> | undefined =>
  after === null ? undefined : parametersFromJson(JSON.stringify(after));

/**
 * Company parameters: read from Redis (the engine's source; Postgres's latest
 * audited change when Redis lost them), changed through the API with an audit
 * row in Postgres, their durable copy (the engine restores Redis from it). The
 * Redis save runs inside the Postgres transaction, before the commit, so that a
 * failed save leaves no audit row; it puts the company's customers up for
 * re-assessment by the engine.
 */
@Injectable()
export class CompanyParametersService {
  private readonly logger = new Logger(CompanyParametersService.name);
  private readonly defaults: CompanyParameters;

  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    private readonly changes: CompanyParametersChangesRepository,
    @Inject(COMPANY_PARAMETERS_STORE) private readonly store: CompanyParametersStore,
    @Inject(API_SETTINGS) settings: ApiSettings,
  ) {
    this.defaults = plain({ ...DEFAULT_PARAMETERS, timeZone: settings.defaultTimeZone });
  }

  private async effective(
    companyId: string,
  ): Promise<{ parameters: CompanyParameters; customised: boolean }> {
    // Redis is the working copy; Postgres the durable one (a Redis lost, not yet restored by the engine).
    const stored =
      (await this.store.load([companyId])).get(companyId) ?? durable(await this.changes.latestOf(companyId));
    return stored === undefined
      ? { parameters: this.defaults, customised: false }
      : { parameters: plain(withDefaults(stored, this.defaults)), customised: true };
  }

  async get(companyId: string): Promise<EffectiveCompanyParameters> {
    const { parameters, customised } = await this.effective(companyId);
    return { companyId, parameters: parametersToWire(parameters), customised };
  }

  async update(
    companyId: string,
    body: ParametersChange,
    principal: Principal,
  ): Promise<CompanyParametersChangeResult> {
    if (!hasChanges(body)) {
      throw new BadRequestException(
        'request body must set at least one parameter besides reason ' +
          '(timeZone, includedComponents, billRiskDays, missingLimit, riskClasses, documentChecks)',
      );
    }
    const changeId = randomUUID();
    const changedAt = new Date();
    const redis = { saved: false };
    let before: CompanyParameters = this.defaults;
    try {
      const result = await this.db.transaction(async (tx) => {
        // One change of a company's parameters at a time: `before` is what the change replaces.
        await advisoryLock(tx, `company-parameters:${companyId}`);
        before = (await this.effective(companyId)).parameters;
        const after = mergeParameters(before, body);
        const errors = riskClassOrderErrors(after);
        if (errors.length > 0) {
          throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message: errors });
        }
        // Stored in their JSON form: the dunning minimum is money (bigint cents), written as a decimal string.
        await this.changes.insert(tx, {
          id: changeId,
          companyId,
          before: parametersToWire(before),
          after: parametersToWire(after),
          changedBy: principal.subject,
          reason: body.reason,
          changedAt,
        });
        // Last step before the commit: if Redis fails, the audit row is rolled back with it.
        const customersReviewed = await this.store.save(companyId, after);
        redis.saved = true;
        return { after, customersReviewed };
      });
      return {
        companyId,
        parameters: parametersToWire(result.after),
        before: parametersToWire(before),
        changeId,
        changedAt: changedAt.toISOString(),
        customersReviewed: result.customersReviewed,
      };
    } catch (error) {
      // Saved in Redis but the commit failed: put the previous parameters back (best effort).
      if (redis.saved) {
        await this.store
          .save(companyId, before)
          .catch((restoreError: unknown) =>
            this.logger.error(
              `company ${companyId}: parameters saved in Redis but not audited, and could not be restored`,
              restoreError instanceof Error ? restoreError.stack : String(restoreError),
            ),
          );
      }
      throw error;
    }
  }

  async history(companyId: string, query: PageQuery): Promise<CompanyParametersHistoryPage> {
    const { limit, offset } = pageOf(query);
    const { rows, total } = await this.changes.history<CompanyParametersWire>(companyId, { limit, offset });
    const items: CompanyParametersChangeView[] = rows.map((row) => ({
      changeId: row.id,
      before: row.before,
      after: row.after,
      changedBy: row.changedBy,
      reason: row.reason,
      changedAt: row.changedAt.toISOString(),
    }));
    return { items, limit, offset, total };
  }
}
