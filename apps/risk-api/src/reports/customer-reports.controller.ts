import { Controller, Get, NotFoundException, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { RequireRole } from '@credit/auth';
import { CompanyIdParam, CustomerIdParam } from '../http';
import {
  COMPONENT_NAMES,
  DocumentsQuery,
  HistoryQuery,
  NoQuery,
  OpenItemsQuery,
  PageQuery,
  pageWindow,
} from './query';
import {
  CustomerAgeingDto,
  ExposureDocumentsDto,
  HistoryPageDto,
  OpenItemsPageDto,
  PaymentBehaviourDto,
} from './reports.dto';
import { ReportsRepository } from '@credit/postgres';
import { exposureView } from '../exposure/exposure.view';

const unknownCustomer = (companyId: string, customerId: string) =>
  new NotFoundException(
    `No exposure for customer ${customerId} in company ${companyId}: no event for this customer has been received`,
  );

const NOT_FOUND = {
  description: 'No event for this customer has been received',
  schema: {
    example: {
      statusCode: 404,
      error: 'Not Found',
      message:
        'No exposure for customer C000123 in company IT01: no event for this customer has been received',
    },
  },
};

@ApiTags('reports')
@ApiBearerAuth()
@Controller('v1/companies/:companyId/customers/:customerId')
export class CustomerReportsController {
  constructor(private readonly reports: ReportsRepository) {}

  @Get('exposure/documents')
  @RequireRole('viewer')
  @ApiOperation({
    summary: 'Drill-down: the documents behind each exposure component',
    description:
      "Open orders and delivery notes with their residuals, unposted invoices and credit notes (negative), open items with their residuals plus the rest of the ledger balance, bills at risk. Per component: the exposure's amount, the sum of its documents (always equal), how many there are, and a page of them (limit/offset apply to each component).",
  })
  @ApiOkResponse({ type: ExposureDocumentsDto })
  @ApiBadRequestResponse({ description: 'Invalid query or path parameter' })
  @ApiNotFoundResponse(NOT_FOUND)
  async documents(
    @CompanyIdParam() companyId: string,
    @CustomerIdParam() customerId: string,
    @Query() query: DocumentsQuery,
  ): Promise<ExposureDocumentsDto> {
    const page = pageWindow(query);
    const components = query.component === undefined ? COMPONENT_NAMES : [query.component];
    const result = await this.reports.documents(companyId, customerId, components, page);
    if (result === null) throw unknownCustomer(companyId, customerId);
    return {
      companyId,
      customerId,
      customerName: result.exposure.customerName,
      businessDate: result.exposure.businessDate,
      asOf: exposureView(result.exposure).asOf,
      ...page,
      components: result.components,
    };
  }

  @Get('open-items')
  @RequireRole('viewer')
  @ApiOperation({
    summary: "The customer's open items with residuals, due dates and days overdue",
    description:
      'Sorted by due date. Days overdue and the ageing bucket are computed for the business date of the projection row. Items settled in full only with includeSettled=true.',
  })
  @ApiOkResponse({ type: OpenItemsPageDto })
  @ApiBadRequestResponse({ description: 'Invalid query or path parameter' })
  @ApiNotFoundResponse(NOT_FOUND)
  async openItems(
    @CompanyIdParam() companyId: string,
    @CustomerIdParam() customerId: string,
    @Query() query: OpenItemsQuery,
  ): Promise<OpenItemsPageDto> {
    const page = pageWindow(query);
    const result = await this.reports.openItems(companyId, customerId, query.includeSettled ?? false, page);
    if (result === null) throw unknownCustomer(companyId, customerId);
    return {
      companyId,
      customerId,
      customerName: result.exposure.customerName,
      businessDate: result.exposure.businessDate,
      residualTotal: result.residualTotal,
      overdueTotal: result.overdueTotal,
      items: result.items,
      total: result.total,
      ...page,
    };
  }

  @Get('ageing')
  @RequireRole('viewer')
  @ApiOperation({
    summary: "Ageing of the customer's open items",
    description:
      'Residuals by days past due on the business date of the projection row: not due (due today or later), 1-30, 31-60, 61-90, over 90 days.',
  })
  @ApiOkResponse({ type: CustomerAgeingDto })
  @ApiBadRequestResponse({ description: 'Invalid path parameter, or any query parameter' })
  @ApiNotFoundResponse(NOT_FOUND)
  async ageing(
    @CompanyIdParam() companyId: string,
    @CustomerIdParam() customerId: string,
    @NoQuery() _query: object,
  ): Promise<CustomerAgeingDto> {
    const result = await this.reports.customerAgeing(companyId, customerId);
    if (result === null) throw unknownCustomer(companyId, customerId);
    return result;
  }

  @Get('payment-behaviour')
  @RequireRole('viewer')
  @ApiOperation({
    summary: 'Payment behaviour: average days late, dishonoured bills, risk class, and their history',
    description:
      'avgDaysLate, dishonouredBills12m and riskClass as assessed on the business date (spec section 8). The history is the settlements (newest first, with days late and whether each counts in the average) and the dishonoured bills (newest first) they are computed from; limit/offset page each list.',
  })
  @ApiOkResponse({ type: PaymentBehaviourDto })
  @ApiBadRequestResponse({ description: 'Invalid query or path parameter' })
  @ApiNotFoundResponse(NOT_FOUND)
  async paymentBehaviour(
    @CompanyIdParam() companyId: string,
    @CustomerIdParam() customerId: string,
    @Query() query: PageQuery,
  ): Promise<PaymentBehaviourDto> {
    const page = pageWindow(query);
    const result = await this.reports.paymentBehaviour(companyId, customerId, page);
    if (result === null) throw unknownCustomer(companyId, customerId);
    const { exposure } = result;
    return {
      companyId,
      customerId,
      customerName: exposure.customerName,
      businessDate: exposure.businessDate,
      window: ReportsRepository.behaviourWindow(exposure.businessDate),
      avgDaysLate: exposure.avgDaysLate,
      dishonouredBills12m: exposure.dishonouredBills12m,
      riskClass: exposure.riskClass,
      ...page,
      settlements: result.settlements,
      dishonouredBills: result.dishonouredBills,
    };
  }

  @Get('history')
  @RequireRole('viewer')
  @ApiOperation({
    summary: 'History of status changes, overdue changes, blocks and hold decisions, newest first',
    description:
      'Every event the engine published for the customer (kind "event": exposure.statusChanged, overdue.changed, customer.blocked, customer.unblocked, document outcomes of asynchronous checks), the documents held by synchronous credit checks (kind "hold", type document.held) and every release or rejection of a hold (kind "decision", type document.released / document.rejected). Newest first: by time, then by the per-customer sequence of the events.',
  })
  @ApiOkResponse({ type: HistoryPageDto })
  @ApiBadRequestResponse({ description: 'Invalid query or path parameter' })
  @ApiNotFoundResponse(NOT_FOUND)
  async history(
    @CompanyIdParam() companyId: string,
    @CustomerIdParam() customerId: string,
    @Query() query: HistoryQuery,
  ): Promise<HistoryPageDto> {
    const page = pageWindow(query);
    const result = await this.reports.history(companyId, customerId, query.type, page);
    if (result === null) throw unknownCustomer(companyId, customerId);
    return { companyId, customerId, items: result.items, total: result.total, ...page };
  }
}
