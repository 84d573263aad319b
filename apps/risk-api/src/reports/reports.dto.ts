import { ApiCustomerName } from '../http';
import { PageMeta } from '../http/paging';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { COMPONENT_NAMES, EXPOSURE_STATUSES, HISTORY_TYPES, RISK_CLASSES } from './query';

/** OpenAPI shapes of the reporting responses. Money is a decimal string with two decimals. */

const MONEY = { type: String, pattern: '^-?[0-9]+\\.[0-9]{2}$' } as const;
const DATE = { type: String, format: 'date' } as const;

export class ComponentsDto {
  @ApiProperty({ ...MONEY, example: '1200.00' })
  orders!: string;
  @ApiProperty({ ...MONEY, example: '0.00' })
  deliveries!: string;
  @ApiProperty({ ...MONEY, example: '0.00' })
  unpostedInvoices!: string;
  @ApiProperty({ ...MONEY, example: '350.50' })
  receivables!: string;
  @ApiProperty({ ...MONEY, example: '0.00' })
  bills!: string;
}

export class LimitDto {
  @ApiProperty({ ...MONEY, example: '5000.00' })
  amount!: string;
  @ApiProperty({ enum: ['warn', 'block'], example: 'block' })
  mode!: 'warn' | 'block';
  @ApiProperty({ example: 80 })
  attentionThresholdPct!: number;
  @ApiProperty({ ...DATE, nullable: true, example: null })
  validUntil!: string | null;
  @ApiProperty({
    ...MONEY,
    nullable: true,
    example: null,
    description: 'Applies instead of amount through temporaryUntil; null when none',
  })
  temporaryAmount!: string | null;
  @ApiProperty({ ...DATE, nullable: true, example: null })
  temporaryUntil!: string | null;
  @ApiProperty({
    ...MONEY,
    example: '5000.00',
    description:
      'The amount compared with the total on businessDate: 0 once expired, the temporary one through its date',
  })
  effectiveAmount!: string;
}

export class ExposureCreditClassDto {
  @ApiProperty({ example: 'B2' })
  code!: string;
  @ApiProperty({ example: 60 })
  maxPaymentTermsDays!: number;
  @ApiProperty({ ...MONEY, nullable: true, example: '20000.00', description: 'null: no maximum' })
  maxDocumentAmount!: string | null;
}

export class ExposureManualBlockDto {
  @ApiProperty({ example: 'Insolvency proceedings announced' })
  reason!: string;
  @ApiProperty({
    ...DATE,
    nullable: true,
    example: null,
    description: 'Last day of the block; null: until removed',
  })
  until!: string | null;
}

export class ExposureItemDto {
  @ApiProperty({ example: 'IT01' })
  companyId!: string;
  @ApiProperty({ example: 'C000123' })
  customerId!: string;
  @ApiCustomerName()
  customerName!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'IT01234567890',
    description: 'VAT number (partita IVA)',
  })
  vatNumber!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'AG-07', description: "The customer's sales agent" })
  salesAgentId!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'amministrazione@rossi.example' })
  customerEmail!: string | null;
  @ApiProperty({ type: ComponentsDto })
  components!: ComponentsDto;
  @ApiProperty({ ...MONEY, example: '1550.50' })
  total!: string;
  @ApiProperty({ ...MONEY, example: '0.00' })
  overdueAmount!: string;
  @ApiProperty({ example: 0 })
  oldestOverdueDays!: number;
  @ApiProperty({ type: LimitDto, nullable: true, description: 'null when no limit is set' })
  limit!: LimitDto | null;
  @ApiProperty({ type: ExposureCreditClassDto, nullable: true, description: 'null without a credit class' })
  creditClass!: ExposureCreditClassDto | null;
  @ApiProperty({
    type: ExposureManualBlockDto,
    nullable: true,
    description: 'The manual block while active; null otherwise',
  })
  manualBlock!: ExposureManualBlockDto | null;
  @ApiProperty({
    ...DATE,
    nullable: true,
    example: null,
    description:
      "Due for a credit review on this date: the class's reviewEveryDays after the last class or limit change",
  })
  reviewDueOn!: string | null;
  @ApiProperty({ enum: EXPOSURE_STATUSES, example: 'OK' })
  status!: string;
  @ApiProperty({ example: false })
  blocked!: boolean;
  @ApiProperty({ type: [String], example: [], description: 'LIMIT_EXCEEDED, LIMIT_EXPIRED, OVERDUE, MANUAL' })
  blockReasons!: string[];
  @ApiProperty({
    type: String,
    nullable: true,
    example: '31.01',
    description: 'total / limit x 100, two decimals; null without a positive limit',
  })
  utilizationPct!: string | null;
  @ApiProperty({ enum: RISK_CLASSES, example: 'A' })
  riskClass!: string;
  @ApiProperty({ type: String, example: '0.00' })
  avgDaysLate!: string;
  @ApiProperty({ example: 0 })
  dishonouredBills12m!: number;
  @ApiProperty({ ...DATE, example: '2026-03-01', description: 'The business date the row was assessed for' })
  businessDate!: string;
  @ApiProperty({ type: String, format: 'date-time', example: '2026-03-01T09:15:02.120Z' })
  asOf!: string;
}

export class ExposureSummaryDto {
  @ApiProperty({ example: 'IT01' })
  companyId!: string;
  @ApiProperty({ example: 1250, description: 'Customers the filter keeps' })
  customers!: number;
  @ApiProperty({ ...MONEY, example: '4823100.50', description: 'Sum of their total exposure' })
  totalExposure!: string;
  @ApiProperty({ example: 12, description: 'Customers over their limit (status EXCEEDED)' })
  exceeded!: number;
  @ApiProperty({ example: 40, description: 'Customers at or over the attention threshold (status WARNING)' })
  warning!: number;
  @ApiProperty({ example: 7, description: 'Blocked customers' })
  blocked!: number;
  @ApiProperty({ ...MONEY, example: '91200.00', description: 'Sum of their overdue amounts' })
  overdueAmount!: string;
  @ApiProperty({ example: 35, description: 'Customers with an overdue amount' })
  overdueCustomers!: number;
  @ApiProperty({
    example: 3,
    description: 'Pending holds of those customers (of the whole company without a filter)',
  })
  holdsWaiting!: number;
  @ApiProperty({ ...MONEY, example: '15400.00', description: 'Sum of the amounts of those holds' })
  holdsWaitingAmount!: string;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    example: '2026-03-01T09:15:02.120Z',
    description: 'The latest projection time among those customers; null when there is none',
  })
  asOf!: string | null;
}

export class ExposurePageDto extends PageMeta {
  @ApiProperty({ type: [ExposureItemDto] })
  items!: ExposureItemDto[];
}

export class DocumentRowDto {
  @ApiProperty({ example: 'SO-1' })
  documentId!: string;
  @ApiProperty({
    ...MONEY,
    example: '400.00',
    description: 'What the document contributes (credit notes negative)',
  })
  amount!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { kind: 'order', orderAmount: '1000.00', consumed: '600.00' },
    description:
      'Per kind: order {orderAmount, consumed}; delivery {deliveryAmount, invoiced, orderRefs}; invoice / credit-note {invoiceAmount, deliveryRefs, orderRefs}; open-item {dueDate, itemAmount, settled, daysOverdue}; unallocated {ledgerBalance, openItemResiduals}; bill {instrument, status, dueDate, atRiskUntil}',
  })
  details!: Record<string, unknown>;
}

export class ComponentDocumentsDto {
  @ApiProperty({ ...MONEY, example: '700.00', description: 'The component amount of the exposure' })
  amount!: string;
  @ApiProperty({ ...MONEY, example: '700.00', description: 'The sum of all its documents (equals amount)' })
  documentsTotal!: string;
  @ApiProperty({ example: 2, description: 'How many documents, over all pages' })
  count!: number;
  @ApiProperty({ type: [DocumentRowDto] })
  items!: DocumentRowDto[];
}

export class ComponentDocumentsMapDto {
  @ApiPropertyOptional({ type: ComponentDocumentsDto })
  orders?: ComponentDocumentsDto;
  @ApiPropertyOptional({ type: ComponentDocumentsDto })
  deliveries?: ComponentDocumentsDto;
  @ApiPropertyOptional({ type: ComponentDocumentsDto })
  unpostedInvoices?: ComponentDocumentsDto;
  @ApiPropertyOptional({ type: ComponentDocumentsDto })
  receivables?: ComponentDocumentsDto;
  @ApiPropertyOptional({ type: ComponentDocumentsDto })
  bills?: ComponentDocumentsDto;
}

export class ExposureDocumentsDto {
  @ApiProperty({ example: 'IT01' })
  companyId!: string;
  @ApiProperty({ example: 'C000123' })
  customerId!: string;
  @ApiCustomerName()
  customerName!: string | null;
  @ApiProperty({ ...DATE, example: '2026-03-20' })
  businessDate!: string;
  @ApiProperty({ type: String, format: 'date-time', example: '2026-03-20T09:00:00.000Z' })
  asOf!: string;
  @ApiProperty({ example: 50, description: 'Page size, per component' })
  limit!: number;
  @ApiProperty({ example: 0, description: 'Documents skipped, per component' })
  offset!: number;
  @ApiProperty({
    type: ComponentDocumentsMapDto,
    description: `Keyed by component (${COMPONENT_NAMES.join(', ')}); only the one asked for with ?component=`,
  })
  components!: ComponentDocumentsMapDto;
}

export const BUCKETS = ['notDue', 'days1To30', 'days31To60', 'days61To90', 'over90Days'] as const;
export type BucketName = (typeof BUCKETS)[number];

export class OpenItemDto {
  @ApiProperty({ example: 'OI-1' })
  openItemId!: string;
  @ApiProperty({ ...MONEY, example: '300.00' })
  amount!: string;
  @ApiProperty({ ...MONEY, example: '200.00' })
  settled!: string;
  @ApiProperty({ ...MONEY, example: '100.00' })
  residual!: string;
  @ApiProperty({ ...DATE, example: '2026-02-28' })
  dueDate!: string;
  @ApiProperty({ example: 20, description: 'businessDate - dueDate; 0 when not due or settled in full' })
  daysOverdue!: number;
  @ApiProperty({
    enum: BUCKETS,
    nullable: true,
    example: 'days1To30',
    description: 'null when settled in full',
  })
  bucket!: BucketName | null;
}

export class OpenItemsPageDto extends PageMeta {
  @ApiProperty({ example: 'IT01' })
  companyId!: string;
  @ApiProperty({ example: 'C000123' })
  customerId!: string;
  @ApiCustomerName()
  customerName!: string | null;
  @ApiProperty({ ...DATE, example: '2026-03-20' })
  businessDate!: string;
  @ApiProperty({ ...MONEY, example: '400.00', description: 'Sum of the residuals, over all pages' })
  residualTotal!: string;
  @ApiProperty({ ...MONEY, example: '100.00', description: 'Sum of the overdue residuals, over all pages' })
  overdueTotal!: string;
  @ApiProperty({ type: [OpenItemDto] })
  items!: OpenItemDto[];
}

export class AgeingBucketsDto {
  @ApiProperty({
    ...MONEY,
    example: '300.00',
    description: 'Not yet due (due on or after the business date)',
  })
  notDue!: string;
  @ApiProperty({ ...MONEY, example: '100.00' })
  days1To30!: string;
  @ApiProperty({ ...MONEY, example: '0.00' })
  days31To60!: string;
  @ApiProperty({ ...MONEY, example: '0.00' })
  days61To90!: string;
  @ApiProperty({ ...MONEY, example: '0.00' })
  over90Days!: string;
}

export class CustomerAgeingDto {
  @ApiProperty({ example: 'IT01' })
  companyId!: string;
  @ApiProperty({ example: 'C000123' })
  customerId!: string;
  @ApiCustomerName()
  customerName!: string | null;
  @ApiProperty({
    ...DATE,
    example: '2026-03-20',
    description: 'The business date the buckets are computed for',
  })
  businessDate!: string;
  @ApiProperty({ type: AgeingBucketsDto })
  buckets!: AgeingBucketsDto;
  @ApiProperty({ ...MONEY, example: '400.00', description: 'Sum of all buckets' })
  residualTotal!: string;
  @ApiProperty({ ...MONEY, example: '100.00', description: 'Sum of the overdue buckets' })
  overdueTotal!: string;
  @ApiProperty({ example: 2, description: 'Open items with a residual' })
  openItems!: number;
}

export class CompanyAgeingDto extends PageMeta {
  @ApiProperty({ example: 'IT01' })
  companyId!: string;
  @ApiProperty({ type: AgeingBucketsDto, description: "Sum of every customer's buckets" })
  buckets!: AgeingBucketsDto;
  @ApiProperty({ ...MONEY, example: '400.00' })
  residualTotal!: string;
  @ApiProperty({ ...MONEY, example: '100.00' })
  overdueTotal!: string;
  @ApiProperty({
    type: [CustomerAgeingDto],
    description: 'One row per customer with a residual, each at its own business date',
  })
  items!: CustomerAgeingDto[];
}

export class SettlementDto {
  @ApiProperty({ example: 'JE-2' })
  entryId!: string;
  @ApiProperty({ example: 'OI-1' })
  openItemId!: string;
  @ApiProperty({ ...MONEY, example: '200.00' })
  amount!: string;
  @ApiProperty({ ...DATE, example: '2026-03-10' })
  settlementDate!: string;
  @ApiProperty({
    ...DATE,
    nullable: true,
    example: '2026-02-28',
    description: 'null while the item is unknown',
  })
  dueDate!: string | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    example: 10,
    description: 'settlementDate - dueDate; negative when early',
  })
  daysLate!: number | null;
  @ApiProperty({
    example: true,
    description: 'Counts in avgDaysLate (known item, paid within the 365-day window)',
  })
  countsInAverage!: boolean;
}

export class DishonouredBillDto {
  @ApiProperty({ example: 'RB-1' })
  billId!: string;
  @ApiProperty({ ...MONEY, example: '250.00' })
  amount!: string;
  @ApiProperty({ ...DATE, nullable: true, example: '2026-03-12' })
  dishonouredOn!: string | null;
  @ApiProperty({ ...DATE, nullable: true, example: '2026-03-05' })
  dueDate!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'riba' })
  instrument!: string | null;
  @ApiProperty({ example: true, description: 'Counts in dishonouredBills12m (within the 365-day window)' })
  inWindow!: boolean;
}

export class SettlementListDto {
  @ApiProperty({ example: 1 })
  total!: number;
  @ApiProperty({ type: [SettlementDto] })
  items!: SettlementDto[];
}

export class DishonouredBillListDto {
  @ApiProperty({ example: 1 })
  total!: number;
  @ApiProperty({ type: [DishonouredBillDto] })
  items!: DishonouredBillDto[];
}

export class BehaviourWindowDto {
  @ApiProperty({ ...DATE, example: '2025-03-21' })
  from!: string;
  @ApiProperty({ ...DATE, example: '2026-03-20' })
  to!: string;
}

export class PaymentBehaviourDto {
  @ApiProperty({ example: 'IT01' })
  companyId!: string;
  @ApiProperty({ example: 'C000123' })
  customerId!: string;
  @ApiCustomerName()
  customerName!: string | null;
  @ApiProperty({ ...DATE, example: '2026-03-20' })
  businessDate!: string;
  @ApiProperty({ type: BehaviourWindowDto, description: 'The 365 days ending on the business date' })
  window!: BehaviourWindowDto;
  @ApiProperty({ type: String, example: '10.00' })
  avgDaysLate!: string;
  @ApiProperty({ example: 1 })
  dishonouredBills12m!: number;
  @ApiProperty({ enum: RISK_CLASSES, example: 'B' })
  riskClass!: string;
  @ApiProperty({ example: 50, description: 'Page size of each list' })
  limit!: number;
  @ApiProperty({ example: 0, description: 'Items skipped in each list' })
  offset!: number;
  @ApiProperty({ type: SettlementListDto, description: 'Settlements, newest first' })
  settlements!: SettlementListDto;
  @ApiProperty({ type: DishonouredBillListDto, description: 'Dishonoured bills, newest first' })
  dishonouredBills!: DishonouredBillListDto;
}

export class HistoryItemDto {
  @ApiProperty({
    enum: ['event', 'hold', 'decision'],
    example: 'event',
    description:
      'event: published by the engine; hold: a document held by a synchronous credit check; decision: a hold released or rejected',
  })
  kind!: 'event' | 'hold' | 'decision';
  @ApiProperty({ enum: HISTORY_TYPES, example: 'exposure.statusChanged' })
  type!: string;
  @ApiProperty({ type: String, format: 'date-time', example: '2026-03-01T09:15:02.120Z' })
  occurredAt!: string;
  @ApiProperty({
    type: Number,
    nullable: true,
    example: 3,
    description: 'Per-customer sequence of a published event',
  })
  sequence!: number | null;
  @ApiProperty({ type: String, nullable: true, example: '5b0f3c1e-7a1f-5d2e-9c55-0c1b2a3d4e5f' })
  eventId!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'lim-1' })
  causationId!: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { from: 'OK', to: 'WARNING', total: '4100.00', limit: '5000.00', utilizationPct: '82.00' },
    description:
      'The event data as published; for a hold {holdId, documentType, documentId, amount, exposureBefore, exposureAfter, limit, excess, reasons, requestedBy, sentBy}; for a decision {holdId, documentType, documentId, amount, excess, reasons, requestedBy, sentBy, decidedBy, reason}',
  })
  data!: Record<string, unknown>;
}

export class HistoryPageDto extends PageMeta {
  @ApiProperty({ example: 'IT01' })
  companyId!: string;
  @ApiProperty({ example: 'C000123' })
  customerId!: string;
  @ApiProperty({ type: [HistoryItemDto] })
  items!: HistoryItemDto[];
}
