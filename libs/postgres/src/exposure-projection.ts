import { DataSource } from 'typeorm';
import { CustomerRecord, formatMoney } from '@credit/domain';
import { CustomerExposureRow } from './customer-exposure.entity';

const COLUMNS = [
  'company_id',
  'customer_id',
  'orders',
  'deliveries',
  'unposted_invoices',
  'receivables',
  'bills',
  'total',
  'overdue_amount',
  'oldest_overdue_days',
  'limit_amount',
  'limit_mode',
  'attention_threshold_pct',
  'valid_until',
  'status',
  'utilization_pct',
  'blocked',
  'block_reasons',
  'risk_class',
  'avg_days_late',
  'dishonoured_bills_12m',
  'business_date',
  'state_version',
  'as_of',
] as const;

function rowValues(record: CustomerRecord, asOf: Date): unknown[] {
  const a = record.assessment!;
  return [
    record.companyId,
    record.customerId,
    formatMoney(a.components.orders),
    formatMoney(a.components.deliveries),
    formatMoney(a.components.unpostedInvoices),
    formatMoney(a.components.receivables),
    formatMoney(a.components.bills),
    formatMoney(a.total),
    formatMoney(a.overdueAmount),
    a.oldestOverdueDays,
    a.limit === null ? null : formatMoney(a.limit.amount),
    a.limit?.mode ?? null,
    a.limit?.attentionThresholdPct ?? null,
    a.limit?.validUntil ?? null,
    a.status,
    a.utilizationPct,
    a.blocked,
    a.blockReasons,
    a.riskClass,
    a.avgDaysLate,
    a.dishonouredBills12m,
    a.businessDate,
    record.version,
    asOf,
  ];
}

/**
 * Writes customers' exposures in one statement. A row only moves forward: an
 * older version arriving late (replays, two writers) never overwrites a newer one.
 */
export class ExposureProjection {
  constructor(private readonly db: DataSource) {}

  /** Connects on first use and again after a failure: Postgres may start, or be migrated, after the engine. */
  private async connected(): Promise<DataSource> {
    if (!this.db.isInitialized) await this.db.initialize();
    return this.db;
  }

  async upsert(records: CustomerRecord[], asOf: Date): Promise<void> {
    const assessed = records.filter((r) => r.assessment !== null);
    if (assessed.length === 0) return;
    const db = await this.connected();
    const params: unknown[] = [];
    const tuples = assessed.map((record) => {
      const values = rowValues(record, asOf);
      const start = params.length;
      params.push(...values);
      return `(${values.map((_, i) => `$${start + i + 1}`).join(', ')})`;
    });
    const updates = COLUMNS.slice(2)
      .map((c) => `${c} = EXCLUDED.${c}`)
      .join(', ');
    await db.query(
      `INSERT INTO customer_exposure (${COLUMNS.join(', ')}) VALUES ${tuples.join(', ')}
       ON CONFLICT (company_id, customer_id) DO UPDATE SET ${updates}
       WHERE customer_exposure.state_version < EXCLUDED.state_version`,
      params,
    );
  }

  async findOne(companyId: string, customerId: string): Promise<CustomerExposureRow | null> {
    const db = await this.connected();
    return db.getRepository(CustomerExposureRow).findOneBy({ companyId, customerId });
  }
}
