import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { CurrentPrincipal, Principal, RequireRole } from '@credit/auth';
import { CompanyIdParam, CustomerIdParam } from '../http';
import { PageQuery } from '../http/paging';
import { problemResponse as problem } from '../limits/openapi';
import {
  CollectionActionView,
  CollectionCaseView,
  CollectionHistoryPage,
  RecordCollectionActionBody,
  RecordCollectionActionResult,
  WorklistPage,
  WorklistQuery,
} from './collections.dto';
import { CollectionsService } from './collections.service';

const ACTION_ID = '5f1c7c9e-2f0b-4f59-9d1e-8c0b8c5e9a01';
const CASE_ID = 'C000123:2026-02-14';
const ACTION_EXAMPLE: CollectionActionView = {
  actionId: ACTION_ID,
  customerId: 'C000123',
  caseId: CASE_ID,
  type: 'promise',
  text: 'Spoke to the accountant: will pay the March invoices by 10 April',
  promise: { amount: '1250.00', date: '2026-04-10' },
  recordedBy: 'anna.bianchi',
  recordedAt: '2026-03-31T08:05:00.000Z',
};
const CASE_EXAMPLE: CollectionCaseView = {
  caseId: CASE_ID,
  stage: 'dunning',
  level: 2,
  action: 'formal-notice',
  levelReachedOn: '2026-03-07',
  overdueAmount: '1250.00',
  oldestDueDate: '2026-02-14',
  assignee: 'anna.bianchi',
  promise: { promiseId: ACTION_ID, amount: '1250.00', date: '2026-04-10', status: 'pending', brokenOn: null },
  blocked: true,
  blockReasons: ['OVERDUE'],
};
const foreignCompany = {
  description: 'Company not in the token.',
  ...problem(403, 'Forbidden', 'no access to company IT02'),
};

/** Actions on a customer's collection case and its history (spec section 12). */
@ApiTags('collections')
@ApiBearerAuth()
@ApiUnauthorizedResponse({
  description: 'No valid bearer token.',
  ...problem(401, 'Unauthorized', 'missing bearer token'),
})
@Controller('v1/companies/:companyId/customers/:customerId/collection-actions')
export class CollectionActionsController {
  constructor(private readonly collections: CollectionsService) {}

  @Post()
  @RequireRole('approver')
  @HttpCode(201)
  @ApiOperation({
    summary: "Records an action on the customer's collection case",
    description:
      'A call, a note (the extra-accounting records: they never touch the exposure), a promise to pay, a stage ' +
      'change (legal blocks the customer with reason LEGAL until the case closes; written-off from dunning or ' +
      'legal) or an assignment. Audited and published as collectionAction.recorded on risk.credit-limits ' +
      '(outbox, one transaction); the engine folds it. `promise` is required with type promise, `stage` with ' +
      'type stage, `assignee` with type assign.',
  })
  @ApiCreatedResponse({
    type: RecordCollectionActionResult,
    example: { ...ACTION_EXAMPLE, eventId: ACTION_ID },
  })
  @ApiBadRequestResponse({
    description: 'Invalid body: the message names the field.',
    ...problem(400, 'Bad Request', 'promise is required when type is promise'),
  })
  @ApiForbiddenResponse({
    description: 'Not an approver (or higher), or company not in the token.',
    ...problem(403, 'Forbidden', 'requires role approver'),
  })
  @ApiConflictResponse({
    description:
      'A stage change or a promise on a customer without an open case, or a stage change not allowed.',
    ...problem(
      409,
      'Conflict',
      'customer C000123 of company IT01 has no open collection case: a stage change needs one',
    ),
  })
  record(
    @CompanyIdParam() companyId: string,
    @CustomerIdParam() customerId: string,
    @Body() body: RecordCollectionActionBody,
    @CurrentPrincipal() principal: Principal,
  ): Promise<RecordCollectionActionResult> {
    return this.collections.record(companyId, customerId, body, principal);
  }

  @Get()
  @RequireRole('viewer')
  @ApiOperation({
    summary: "The customer's collection case and its history",
    description:
      'The open case as the engine projected it (null: none), and the actions newest first (paginated).',
  })
  @ApiOkResponse({
    type: CollectionHistoryPage,
    example: { case: CASE_EXAMPLE, items: [ACTION_EXAMPLE], limit: 50, offset: 0, total: 1 },
  })
  @ApiBadRequestResponse({
    description: 'Invalid query.',
    ...problem(400, 'Bad Request', 'limit must be an integer from 1 to 500'),
  })
  @ApiForbiddenResponse(foreignCompany)
  history(
    @CompanyIdParam() companyId: string,
    @CustomerIdParam() customerId: string,
    @Query() query: PageQuery,
  ): Promise<CollectionHistoryPage> {
    return this.collections.history(companyId, customerId, query);
  }
}

/** The day's interventions of a company (spec section 12). */
@ApiTags('collections')
@ApiBearerAuth()
@ApiUnauthorizedResponse({
  description: 'No valid bearer token.',
  ...problem(401, 'Unauthorized', 'missing bearer token'),
})
@Controller('v1/companies/:companyId/worklist')
export class WorklistController {
  constructor(private readonly collections: CollectionsService) {}

  @Get()
  @RequireRole('viewer')
  @ApiOperation({
    summary: "The company's worklist: today's interventions",
    description:
      'Dunning levels reached, promises to pay due or broken, legal cases, credit reviews due and held documents ' +
      'waiting for a decision, each with the reason, the amount at stake and the suggested action; ranked by ' +
      'amount x days overdue (largest first), then customer id. Built from the projection, so exact under replays. ' +
      "`date` defaults to today in the company's time zone; `assignee` keeps the items of cases assigned to that person.",
  })
  @ApiOkResponse({
    type: WorklistPage,
    example: {
      date: '2026-03-31',
      items: [
        {
          kind: 'promise-broken',
          customerId: 'C000123',
          customerName: 'Rossi S.p.A.',
          reason: 'promise to pay 1250.00 by 2026-03-29 broken on 2026-03-30',
          amountAtStake: '1250.00',
          daysOverdue: 45,
          suggestedAction: 'call',
          caseId: CASE_ID,
          assignee: 'anna.bianchi',
          level: 3,
        },
      ],
      limit: 50,
      offset: 0,
      total: 1,
    },
  })
  @ApiBadRequestResponse({
    description: 'Invalid query.',
    ...problem(400, 'Bad Request', 'date must be a real date YYYY-MM-DD'),
  })
  @ApiForbiddenResponse(foreignCompany)
  worklist(@CompanyIdParam() companyId: string, @Query() query: WorklistQuery): Promise<WorklistPage> {
    return this.collections.worklist(companyId, query);
  }
}
