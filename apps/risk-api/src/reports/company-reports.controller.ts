import { Controller, Get, Inject, Logger, Query, Res, ServiceUnavailableException } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { RequireRole } from '@credit/auth';
import { ApiSettings, ExportSettings } from '@credit/config';
import { CompanyIdParam, Slots } from '../http';
import { API_SETTINGS } from '../tokens';
import { ExposureView, exposureView } from '../exposure/exposure.view';
import { bool, csvHeader, csvRecord, CsvCell, numeric, text } from './csv';
import {
  CompanyAgeingQuery,
  ExposureFilterQuery,
  ExposureListQuery,
  ExposureSummaryQuery,
  pageWindow,
} from './query';
import { CompanyAgeingDto, ExposurePageDto, ExposureSummaryDto } from './reports.dto';
import { ReportsRepository } from '@credit/postgres';

/** The CSV export stops after this many rows (headers X-Total-Count and X-Truncated say so). */
export const CSV_MAX_ROWS = 100_000;
const CSV_BATCH_ROWS = 1_000;
/** What a refused export is told to wait: about the time a typical export takes. */
const EXPORT_RETRY_AFTER_SECONDS = 10;

const CSV_COLUMNS: readonly [string, (e: ExposureView) => CsvCell][] = [
  ['companyId', (e) => text(e.companyId)],
  ['customerId', (e) => text(e.customerId)],
  ['customerName', (e) => text(e.customerName)],
  ['vatNumber', (e) => text(e.vatNumber)],
  ['salesAgentId', (e) => text(e.salesAgentId)],
  ['status', (e) => text(e.status)],
  ['blocked', (e) => bool(e.blocked)],
  ['blockReasons', (e) => text(e.blockReasons.join('|'))],
  ['total', (e) => numeric(e.total)],
  ['orders', (e) => numeric(e.components.orders)],
  ['deliveries', (e) => numeric(e.components.deliveries)],
  ['unpostedInvoices', (e) => numeric(e.components.unpostedInvoices)],
  ['receivables', (e) => numeric(e.components.receivables)],
  ['bills', (e) => numeric(e.components.bills)],
  ['limitAmount', (e) => numeric(e.limit?.amount ?? null)],
  ['limitMode', (e) => text(e.limit?.mode ?? null)],
  ['attentionThresholdPct', (e) => numeric(e.limit?.attentionThresholdPct ?? null)],
  ['validUntil', (e) => text(e.limit?.validUntil ?? null)],
  ['utilizationPct', (e) => numeric(e.utilizationPct)],
  ['overdueAmount', (e) => numeric(e.overdueAmount)],
  ['oldestOverdueDays', (e) => numeric(e.oldestOverdueDays)],
  ['riskClass', (e) => text(e.riskClass)],
  ['avgDaysLate', (e) => numeric(e.avgDaysLate)],
  ['dishonouredBills12m', (e) => numeric(e.dishonouredBills12m)],
  ['businessDate', (e) => text(e.businessDate)],
  ['asOf', (e) => text(e.asOf)],
];

export const exposureCsvHeader = (): string => csvHeader(CSV_COLUMNS.map(([name]) => name));
export const exposureCsvRecord = (e: ExposureView): string =>
  csvRecord(CSV_COLUMNS.map(([, cell]) => cell(e)));

/** Resolves when the response can take more, or has closed (then `false`). */
function writable(res: Response): Promise<boolean> {
  if (res.destroyed || res.writableEnded) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (value: boolean) => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(value);
    };
    const onDrain = () => done(true);
    const onClose = () => done(false);
    res.once('drain', onDrain);
    res.once('close', onClose);
  });
}

const EXAMPLE_CSV =
  'companyId,customerId,customerName,vatNumber,salesAgentId,status,blocked,blockReasons,total,orders,deliveries,unpostedInvoices,receivables,bills,limitAmount,limitMode,attentionThresholdPct,validUntil,utilizationPct,overdueAmount,oldestOverdueDays,riskClass,avgDaysLate,dishonouredBills12m,businessDate,asOf\r\n' +
  'IT01,C000123,Rossi Forniture S.r.l.,IT01234567890,AG-07,EXCEEDED,true,LIMIT_EXCEEDED|OVERDUE,5550.00,4500.00,0.00,-50.00,850.00,250.00,5000.00,block,80,,111.00,400.00,75,C,30.00,1,2026-06-15,2026-06-15T08:00:00.000Z\r\n';

@ApiTags('reports')
@ApiBearerAuth()
@Controller('v1/companies/:companyId')
export class CompanyReportsController {
  private readonly logger = new Logger(CompanyReportsController.name);
  private readonly exportSettings: ExportSettings;
  /** One per connection of the exports' pool: an export never waits for a connection. */
  private readonly exportSlots: Slots;

  constructor(
    private readonly reports: ReportsRepository,
    @Inject(API_SETTINGS) settings: ApiSettings,
  ) {
    this.exportSettings = settings.exports;
    this.exportSlots = new Slots(settings.exports.concurrency);
  }

  @Get('exposures')
  @RequireRole('viewer')
  @ApiOperation({
    summary: "Every customer's exposure, filtered, sorted and paginated",
    description:
      'From the Postgres projection. Filters combine with AND; list filters (status, riskClass) take comma-separated values. Unknown or invalid query parameters are 400 naming the parameter.',
  })
  @ApiOkResponse({ type: ExposurePageDto })
  @ApiBadRequestResponse({
    description: 'Invalid query parameter',
    schema: {
      example: { statusCode: 400, error: 'Bad Request', message: 'limit must not be greater than 500' },
    },
  })
  async exposures(
    @CompanyIdParam() companyId: string,
    @Query() query: ExposureListQuery,
  ): Promise<ExposurePageDto> {
    const page = pageWindow(query);
    const { items, total } = await this.reports.exposures(companyId, query, page);
    return { items: items.map(exposureView), total, ...page };
  }

  @Get('exposures/summary')
  @RequireRole('viewer')
  @ApiOperation({
    summary:
      "The board's summary strip: total exposure, customers exceeded and blocked, overdue, holds waiting",
    description:
      'Over the customers the same filters as GET …/exposures keep (all of them without a filter), computed in SQL from one snapshot of the projection; money as exact decimal strings.',
  })
  @ApiOkResponse({ type: ExposureSummaryDto })
  @ApiBadRequestResponse({ description: 'Invalid query parameter' })
  async exposureSummary(
    @CompanyIdParam() companyId: string,
    @Query() query: ExposureSummaryQuery,
  ): Promise<ExposureSummaryDto> {
    return this.reports.exposureSummary(companyId, query);
  }

  @Get('exposures.csv')
  @RequireRole('viewer')
  @ApiOperation({
    summary: 'The exposure list as CSV (same filters and sort, no pagination)',
    description: `RFC 4180, UTF-8, CRLF, a header row; money as decimal strings with two decimals. Streamed, at most ${CSV_MAX_ROWS} rows: X-Total-Count carries how many rows match, X-Truncated: true when the export stopped at the cap. Text cells starting with = + - @ tab or CR get a leading single quote (formula injection); numbers are written as they are. Exports have their own small connection pool: at most API_EXPORT_CONCURRENCY run at once per API instance (503 with Retry-After beyond), and one still streaming after API_EXPORT_TIMEOUT_MS is cut off (the transfer ends without its last chunk, so a client never takes half a file for a whole one).`,
  })
  @ApiServiceUnavailableResponse({
    description: 'As many exports as allowed are streaming; retry after Retry-After seconds.',
  })
  @ApiProduces('text/csv')
  @ApiOkResponse({
    description: 'CSV file',
    content: { 'text/csv': { schema: { type: 'string' }, example: EXAMPLE_CSV } },
  })
  @ApiBadRequestResponse({ description: 'Invalid query parameter' })
  async exposuresCsv(
    @CompanyIdParam() companyId: string,
    @Query() query: ExposureFilterQuery,
    @Res() res: Response,
  ): Promise<void> {
    const giveBack = this.exportSlots.tryTake();
    if (giveBack === null) {
      res.setHeader('Retry-After', String(EXPORT_RETRY_AFTER_SECONDS));
      throw new ServiceUnavailableException(
        `at most ${this.exportSlots.limit} CSV exports run at once; retry later (see Retry-After)`,
      );
    }
    const { timeoutMs } = this.exportSettings;
    // A client that stops reading would hold the slot, the connection and the snapshot forever.
    // Also after the last rows are handed over: until the client has them, they sit in memory.
    const timeBound = setTimeout(() => {
      this.logger.warn(`CSV export of ${companyId} cut off after ${timeoutMs} ms (API_EXPORT_TIMEOUT_MS)`);
      res.destroy();
    }, timeoutMs);
    const finished = () => clearTimeout(timeBound);
    res.once('finish', finished).once('close', finished);
    const limits = { maxRows: CSV_MAX_ROWS, batchSize: CSV_BATCH_ROWS, timeoutMs };
    try {
      await this.reports.exportExposures(companyId, query, limits, {
        start: (matching) => {
          res.status(200);
          res.setHeader('Content-Type', 'text/csv; charset=utf-8');
          res.setHeader('Content-Disposition', `attachment; filename="exposures-${companyId}.csv"`);
          res.setHeader('Cache-Control', 'no-store');
          res.setHeader('X-Total-Count', String(matching));
          res.setHeader('X-Row-Limit', String(CSV_MAX_ROWS));
          res.setHeader('X-Truncated', String(matching > CSV_MAX_ROWS));
          res.write(exposureCsvHeader());
        },
        rows: async (rows) => {
          if (res.destroyed) return false;
          const ok = res.write(rows.map((row) => exposureCsvRecord(exposureView(row))).join(''));
          return ok || writable(res);
        },
      });
      if (!res.destroyed) res.end();
    } catch (error) {
      if (!res.headersSent) throw error;
      // Half a file must not look like a whole one: abort the transfer.
      this.logger.error(
        `CSV export of ${companyId} failed after the headers were sent`,
        (error as Error).stack,
      );
      res.destroy();
    } finally {
      giveBack();
    }
  }

  @Get('ageing')
  @RequireRole('viewer')
  @ApiOperation({
    summary: "Ageing of the company's open items: buckets summed over customers, and per-customer rows",
    description:
      "Residuals by days past due (not due, 1-30, 31-60, 61-90, over 90), each customer's computed for the business date of its projection row. Rows only for customers with a residual; the totals cover every such customer, not just the page.",
  })
  @ApiOkResponse({ type: CompanyAgeingDto })
  @ApiBadRequestResponse({ description: 'Invalid query parameter' })
  async ageing(
    @CompanyIdParam() companyId: string,
    @Query() query: CompanyAgeingQuery,
  ): Promise<CompanyAgeingDto> {
    const page = pageWindow(query);
    const result = await this.reports.companyAgeing(companyId, query.sort, page);
    return { companyId, ...result, ...page };
  }
}
