import { BadRequestException, Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Principal } from '@credit/auth';
import { ApiSettings } from '@credit/config';
import { CompanyParameters, COMPONENTS, DEFAULT_PARAMETERS, withDefaults } from '@credit/domain';
import { CompanyParametersHistory } from '@credit/postgres';
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

/** A plain copy (no DTO class instances, no frozen objects): what is stored and returned. */
const plain = (parameters: CompanyParameters): CompanyParameters => JSON.parse(JSON.stringify(parameters));

/**
 * The body merged over the effective parameters: top-level fields replace,
 * nested objects merge field by field, a risk class is replaced whole.
 */
export function mergeParameters(
  current: CompanyParameters,
  body: UpdateCompanyParametersBody,
): CompanyParameters {
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
const hasChanges = (body: UpdateCompanyParametersBody): boolean =>
  Object.keys(body).some(
    (key) => key !== 'reason' && (body as unknown as Record<string, unknown>)[key] !== undefined,
  );

interface ChangeRecord {
  id: string;
  before: CompanyParameters;
  after: CompanyParameters;
  changed_by: string;
  reason: string;
  changed_at: Date;
}

/**
 * Company parameters: read from Redis (the engine's source; Postgres's latest
 * audited change when Redis lost them), changed through the API with an audit
 * row in Postgres, their durable copy (the engine restores Redis from it). The Redis save runs inside the
 * Postgres transaction, before the commit, so that a failed save leaves no audit
 * row; it puts the company's customers up for re-assessment by the engine.
 */
@Injectable()
export class CompanyParametersService {
  private readonly logger = new Logger(CompanyParametersService.name);
  private readonly defaults: CompanyParameters;

  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
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
      (await this.store.load([companyId])).get(companyId) ??
      ((await new CompanyParametersHistory(this.db).latestOf(companyId)) as CompanyParameters | null) ??
      undefined;
    return stored === undefined
      ? { parameters: this.defaults, customised: false }
      : { parameters: plain(withDefaults(stored, this.defaults)), customised: true };
  }

  async get(companyId: string): Promise<EffectiveCompanyParameters> {
    const { parameters, customised } = await this.effective(companyId);
    return { companyId, parameters, customised };
  }

  async update(
    companyId: string,
    body: UpdateCompanyParametersBody,
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
        await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
          `company-parameters:${companyId}`,
        ]);
        before = (await this.effective(companyId)).parameters;
        const after = mergeParameters(before, body);
        const errors = riskClassOrderErrors(after);
        if (errors.length > 0) {
          throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message: errors });
        }
        await tx.query(
          `INSERT INTO company_parameters_change (id, company_id, before, after, changed_by, reason, changed_at)
           VALUES ($1, $2, $3::jsonb, $4::jsonb, $5, $6, $7)`,
          [
            changeId,
            companyId,
            JSON.stringify(before),
            JSON.stringify(after),
            principal.subject,
            body.reason,
            changedAt,
          ],
        );
        // Last step before the commit: if Redis fails, the audit row is rolled back with it.
        const customersReviewed = await this.store.save(companyId, after);
        redis.saved = true;
        return { after, customersReviewed };
      });
      return {
        companyId,
        parameters: result.after,
        before,
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
    const [rows, [{ total }]]: [ChangeRecord[], { total: string }[]] = await Promise.all([
      this.db.query(
        `SELECT id, before, after, changed_by, reason, changed_at FROM company_parameters_change
          WHERE company_id = $1 ORDER BY seq DESC LIMIT $2 OFFSET $3`,
        [companyId, limit, offset],
      ),
      this.db.query(`SELECT count(*) AS total FROM company_parameters_change WHERE company_id = $1`, [
        companyId,
      ]),
    ]);
    const items: CompanyParametersChangeView[] = rows.map((row) => ({
      changeId: row.id,
      before: row.before,
      after: row.after,
      changedBy: row.changed_by,
      reason: row.reason,
      changedAt: new Date(row.changed_at).toISOString(),
    }));
    return { items, limit, offset, total: Number(total) };
  }
}
