import { DataSource, EntityManager } from 'typeorm';

/** A company's parameters as last changed (the `after` of its latest audited change). */
export interface LatestCompanyParametersRow {
  company_id: string;
  after: Record<string, unknown>;
}

/**
 * The durable copy of company parameters: the audit trail of their changes
 * (company_parameters_change, written in the same transaction as each change).
 * Redis holds the working copy the engine folds with; after Redis is lost, the
 * latest change of each company is what is put back.
 */
export class CompanyParametersHistory {
  constructor(private readonly db: DataSource | EntityManager) {}

  /** The latest parameters of every company that ever changed them. */
  async latestOfEveryCompany(): Promise<LatestCompanyParametersRow[]> {
    return this.db.query(
      `SELECT DISTINCT ON (company_id) company_id, after FROM company_parameters_change
        ORDER BY company_id, seq DESC`,
    );
  }

  /** The company's latest parameters, or null when it never changed them. */
  async latestOf(companyId: string): Promise<Record<string, unknown> | null> {
    const rows: { after: Record<string, unknown> }[] = await this.db.query(
      `SELECT after FROM company_parameters_change WHERE company_id = $1 ORDER BY seq DESC LIMIT 1`,
      [companyId],
    );
    return rows[0]?.after ?? null;
  }
}
