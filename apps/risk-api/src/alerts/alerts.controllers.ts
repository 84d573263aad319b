import { Body, Controller, Delete, Get, HttpCode, Inject, Post, Put, Query, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal, Principal, RequireRole } from '@credit/auth';
import { CompanyIdParam } from '../http';
import { pageOf, PageQuery } from '../http/paging';
import { problemResponse as problem } from '../limits/openapi';
import {
  AgentIdParam,
  AlertChangePageDto,
  ALERT_ID_PATTERN,
  DELIVERY_ID_PATTERN,
  DeliveryIdParam,
  InboxEntryDto,
  InboxPageDto,
  InboxQuery,
  NotificationDto,
  NotificationPageDto,
  NotificationsQuery,
  PutSalesAgentBody,
  PutSubscriptionBody,
  SalesAgentDto,
  SalesAgentPageDto,
  SubscriptionDto,
  SubscriptionIdParam,
  SubscriptionPageDto,
} from './alerts.dto';
import { AlertsService } from './alerts.service';

interface StatusResponse {
  status(code: number): unknown;
}

const idParam = (name: string, example: string, description: string) => ({
  name,
  description,
  schema: { type: 'string' as const, pattern: ALERT_ID_PATTERN.source, example },
});
const AGENT_PARAM = idParam(
  'agentId',
  'AG-07',
  "The agent's id, as the ERP sends it in a customer's salesAgentId.",
);
const SUBSCRIPTION_PARAM = idParam(
  'subscriptionId',
  'sales-over-limit',
  'A name chosen by the credit manager.',
);
const DELIVERY_PARAM = {
  name: 'deliveryId',
  schema: { type: 'string' as const, pattern: DELIVERY_ID_PATTERN.source, example: '1842' },
};

const AGENT_EXAMPLE: SalesAgentDto = {
  companyId: 'IT01',
  agentId: 'AG-07',
  name: 'Giulia Verdi',
  email: 'giulia.verdi@example.com',
  updatedBy: 'admin-anna',
  updatedAt: '2026-03-01T10:15:02.120Z',
};
const SUBSCRIPTION_EXAMPLE: SubscriptionDto = {
  companyId: 'IT01',
  subscriptionId: 'sales-over-limit',
  channel: 'email',
  target: 'sales-agent',
  eventTypes: ['exposure.statusChanged', 'customer.blocked'],
  filter: { minExcess: '1000.00' },
  digest: 'immediate',
  hasSecret: false,
  enabled: true,
  updatedBy: 'cm-carla',
  updatedAt: '2026-03-01T10:15:02.120Z',
};
const NOTIFICATION_EXAMPLE: NotificationDto = {
  deliveryId: '1843',
  companyId: 'IT01',
  subscriptionId: 'erp-webhook',
  eventId: '0b7f5c1e-3a52-5d8e-9f41-2c6b7a8d9e10',
  eventType: 'exposure.statusChanged',
  customerId: 'C000123',
  customerName: 'Rossi Forniture S.r.l.',
  channel: 'webhook',
  recipient: 'https://erp.example.com/hooks/credit',
  status: 'failed',
  digestDate: null,
  digestDeliveryId: null,
  createdAt: '2026-03-01T10:15:03.120Z',
  nextAttemptAt: null,
  attemptCount: 2,
  lastError: 'POST https://erp.example.com/hooks/credit answered HTTP 503 Service Unavailable',
  deliveredAt: null,
  attempts: [
    {
      attemptNo: 1,
      attemptedAt: '2026-03-01T10:15:03.200Z',
      outcome: 'error',
      detail: 'POST https://erp.example.com/hooks/credit answered HTTP 503 Service Unavailable',
    },
    {
      attemptNo: 2,
      attemptedAt: '2026-03-01T10:15:33.260Z',
      outcome: 'error',
      detail: 'POST https://erp.example.com/hooks/credit answered HTTP 503 Service Unavailable',
    },
  ],
};
const INBOX_EXAMPLE: InboxEntryDto = {
  deliveryId: '1844',
  companyId: 'IT01',
  customerId: 'C000123',
  customerName: 'Rossi Forniture S.r.l.',
  eventType: 'customer.blocked',
  eventId: '5c0e1b7a-8d2f-5e3a-b6c4-9a1d2e3f4b5c',
  event: {
    eventId: '5c0e1b7a-8d2f-5e3a-b6c4-9a1d2e3f4b5c',
    type: 'customer.blocked',
    schemaVersion: 1,
    occurredAt: '2026-03-01T10:15:02.120+01:00',
    companyId: 'IT01',
    customerId: 'C000123',
    causationId: '7d3f6a52-0b1c-4c1e-9a55-000000000001',
    sequence: 42,
    data: { reasons: ['LIMIT_EXCEEDED'] },
  },
  createdAt: '2026-03-01T10:15:03.120Z',
  readAt: null,
};

@ApiTags('alerts')
@ApiParam({ name: 'companyId', example: 'IT01' })
@Controller('v1/companies/:companyId/sales-agents')
export class SalesAgentsController {
  constructor(@Inject(AlertsService) private readonly alerts: AlertsService) {}

  @Get()
  @RequireRole('viewer')
  @ApiOperation({
    summary: "The company's sales agents, by id",
    description: 'Viewers read them: the desk shows the agent next to each customer.',
  })
  @ApiOkResponse({
    type: SalesAgentPageDto,
    example: { items: [AGENT_EXAMPLE], total: 1, limit: 50, offset: 0 },
  })
  list(@CompanyIdParam() companyId: string, @Query() query: PageQuery) {
    return this.alerts.agents(companyId, pageOf(query));
  }

  @Get(':agentId')
  @RequireRole('viewer')
  @ApiOperation({ summary: 'One sales agent' })
  @ApiParam(AGENT_PARAM)
  @ApiOkResponse({ type: SalesAgentDto, example: AGENT_EXAMPLE })
  @ApiNotFoundResponse(problem(404, 'Not Found', 'sales agent AG-07 does not exist in company IT01'))
  get(@CompanyIdParam() companyId: string, @AgentIdParam() agentId: string) {
    return this.alerts.agent(companyId, agentId);
  }

  @Put(':agentId')
  @RequireRole('admin')
  @ApiOperation({
    summary: 'Create or replace a sales agent (name and e-mail)',
    description:
      "Subscriptions with target `sales-agent` send to the e-mail of the customer's agent (the customer's " +
      '`salesAgentId` in erp.customers). 201 when created, 200 when replaced; every change is audited.',
  })
  @ApiParam(AGENT_PARAM)
  @ApiResponse({ status: 201, description: 'Created', type: SalesAgentDto, example: AGENT_EXAMPLE })
  @ApiOkResponse({ description: 'Replaced', type: SalesAgentDto, example: AGENT_EXAMPLE })
  @ApiBadRequestResponse(problem(400, 'Bad Request', 'email must be an e-mail address'))
  async put(
    @CompanyIdParam() companyId: string,
    @AgentIdParam() agentId: string,
    @Body() body: PutSalesAgentBody,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) response: StatusResponse,
  ): Promise<SalesAgentDto> {
    const { agent, created } = await this.alerts.putAgent(companyId, agentId, body, principal.subject);
    response.status(created ? 201 : 200);
    return agent;
  }

  @Delete(':agentId')
  @RequireRole('admin')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a sales agent (audited)' })
  @ApiParam(AGENT_PARAM)
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiNotFoundResponse(problem(404, 'Not Found', 'sales agent AG-07 does not exist in company IT01'))
  async delete(
    @CompanyIdParam() companyId: string,
    @AgentIdParam() agentId: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<void> {
    await this.alerts.deleteAgent(companyId, agentId, principal.subject);
  }
}

@ApiTags('alerts')
@ApiParam({ name: 'companyId', example: 'IT01' })
@Controller('v1/companies/:companyId/subscriptions')
export class SubscriptionsController {
  constructor(@Inject(AlertsService) private readonly alerts: AlertsService) {}

  @Get()
  @RequireRole('credit-manager')
  @ApiOperation({ summary: "The company's alert subscriptions, by id (secrets are never returned)" })
  @ApiOkResponse({
    type: SubscriptionPageDto,
    example: { items: [SUBSCRIPTION_EXAMPLE], total: 1, limit: 50, offset: 0 },
  })
  list(@CompanyIdParam() companyId: string, @Query() query: PageQuery) {
    return this.alerts.subscriptions(companyId, pageOf(query));
  }

  @Get(':subscriptionId')
  @RequireRole('credit-manager')
  @ApiOperation({ summary: 'One subscription' })
  @ApiParam(SUBSCRIPTION_PARAM)
  @ApiOkResponse({ type: SubscriptionDto, example: SUBSCRIPTION_EXAMPLE })
  @ApiNotFoundResponse(
    problem(404, 'Not Found', 'subscription sales-over-limit does not exist in company IT01'),
  )
  get(@CompanyIdParam() companyId: string, @SubscriptionIdParam() subscriptionId: string) {
    return this.alerts.subscription(companyId, subscriptionId);
  }

  @Put(':subscriptionId')
  @RequireRole('credit-manager')
  @ApiOperation({
    summary: 'Create or replace an alert subscription',
    description:
      'Which output events (eventTypes, filter) go where (channel, target), now or in a daily digest. Each ' +
      'subscription gets each event at most once. Webhooks need a secret of at least 16 characters (kept when a ' +
      'replace omits it, never returned). 201 when created, 200 when replaced; every change is audited.',
  })
  @ApiParam(SUBSCRIPTION_PARAM)
  @ApiResponse({ status: 201, description: 'Created', type: SubscriptionDto, example: SUBSCRIPTION_EXAMPLE })
  @ApiOkResponse({ description: 'Replaced', type: SubscriptionDto, example: SUBSCRIPTION_EXAMPLE })
  @ApiBadRequestResponse(
    problem(
      400,
      'Bad Request',
      'eventTypes must contain only known event types: exposure.statusChanged, overdue.changed, …',
    ),
  )
  async put(
    @CompanyIdParam() companyId: string,
    @SubscriptionIdParam() subscriptionId: string,
    @Body() body: PutSubscriptionBody,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) response: StatusResponse,
  ): Promise<SubscriptionDto> {
    const { subscription, created } = await this.alerts.putSubscription(
      companyId,
      subscriptionId,
      body,
      principal.subject,
    );
    response.status(created ? 201 : 200);
    return subscription;
  }

  @Delete(':subscriptionId')
  @RequireRole('credit-manager')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a subscription (audited); deliveries not yet sent then fail' })
  @ApiParam(SUBSCRIPTION_PARAM)
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiNotFoundResponse(
    problem(404, 'Not Found', 'subscription sales-over-limit does not exist in company IT01'),
  )
  async delete(
    @CompanyIdParam() companyId: string,
    @SubscriptionIdParam() subscriptionId: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<void> {
    await this.alerts.deleteSubscription(companyId, subscriptionId, principal.subject);
  }
}

@ApiTags('alerts')
@ApiParam({ name: 'companyId', example: 'IT01' })
@Controller('v1/companies/:companyId/notifications')
export class NotificationsController {
  constructor(@Inject(AlertsService) private readonly alerts: AlertsService) {}

  @Get()
  @RequireRole('credit-manager')
  @ApiOperation({
    summary: 'Deliveries of the notifier, newest first, with their attempts',
    description: 'status=failed lists what needs a retry.',
  })
  @ApiOkResponse({
    type: NotificationPageDto,
    example: { items: [NOTIFICATION_EXAMPLE], total: 1, limit: 50, offset: 0 },
  })
  @ApiBadRequestResponse(
    problem(400, 'Bad Request', 'status must be one of queued, digested, pending, delivered, failed'),
  )
  list(@CompanyIdParam() companyId: string, @Query() query: NotificationsQuery) {
    return this.alerts.deliveries(companyId, query, pageOf(query));
  }

  @Post(':deliveryId/retry')
  @RequireRole('credit-manager')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Re-send a failed delivery',
    description:
      'Puts it back in the queue, due now, with a fresh retry period; the notifier sends it within its poll ' +
      'interval. Audited. 409 unless the delivery has failed.',
  })
  @ApiParam(DELIVERY_PARAM)
  @ApiResponse({
    status: 202,
    description: 'Queued again',
    type: NotificationDto,
    example: { ...NOTIFICATION_EXAMPLE, status: 'pending', nextAttemptAt: '2026-03-02T09:00:00.000Z' },
  })
  @ApiNotFoundResponse(problem(404, 'Not Found', 'notification 1843 does not exist in company IT01'))
  @ApiConflictResponse(
    problem(409, 'Conflict', 'notification 1843 has not failed: only failed ones are re-sent'),
  )
  retry(
    @CompanyIdParam() companyId: string,
    @DeliveryIdParam() deliveryId: string,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.alerts.retry(companyId, deliveryId, principal.subject);
  }
}

@ApiTags('alerts')
@ApiParam({ name: 'companyId', example: 'IT01' })
@Controller('v1/companies/:companyId/alert-changes')
export class AlertChangesController {
  constructor(@Inject(AlertsService) private readonly alerts: AlertsService) {}

  @Get()
  @RequireRole('credit-manager')
  @ApiOperation({
    summary:
      'Audit trail of the alerts: changes to sales agents and subscriptions, and retries, newest first',
    description: 'A subscription change says whether the webhook secret changed, never the secret.',
  })
  @ApiOkResponse({
    type: AlertChangePageDto,
    example: {
      items: [
        {
          changeId: '17',
          companyId: 'IT01',
          changedBy: 'cm-carla',
          changedAt: '2026-03-01T10:15:02.120Z',
          action: 'subscription.created',
          subjectId: 'sales-over-limit',
          before: null,
          after: {
            channel: 'email',
            target: 'sales-agent',
            eventTypes: ['exposure.statusChanged', 'customer.blocked'],
            filter: { minExcess: '1000.00' },
            digest: 'immediate',
            enabled: true,
            hasSecret: false,
            secretChanged: false,
          },
        },
      ],
      total: 1,
      limit: 50,
      offset: 0,
    },
  })
  list(@CompanyIdParam() companyId: string, @Query() query: PageQuery) {
    return this.alerts.changes(companyId, pageOf(query));
  }
}

@ApiTags('alerts')
@Controller('v1/me/inbox')
export class InboxController {
  constructor(@Inject(AlertsService) private readonly alerts: AlertsService) {}

  @Get()
  @RequireRole('viewer')
  @ApiOperation({
    summary: "The caller's inbox: alerts of inbox subscriptions addressed to the token's subject",
    description:
      'Across the companies the token allows, newest first; `unread` counts the unread ones in all.',
  })
  @ApiOkResponse({
    type: InboxPageDto,
    example: { items: [INBOX_EXAMPLE], total: 1, unread: 1, limit: 50, offset: 0 },
  })
  @ApiBadRequestResponse(problem(400, 'Bad Request', 'unread must be true or false'))
  list(@CurrentPrincipal() principal: Principal, @Query() query: InboxQuery) {
    return this.alerts.inbox(principal, query.unread, pageOf(query));
  }

  @Post(':deliveryId/read')
  @RequireRole('viewer')
  @HttpCode(200)
  @ApiOperation({ summary: "Mark an entry of the caller's inbox read (idempotent)" })
  @ApiParam(DELIVERY_PARAM)
  @ApiOkResponse({ type: InboxEntryDto, example: { ...INBOX_EXAMPLE, readAt: '2026-03-01T11:00:00.000Z' } })
  @ApiNotFoundResponse(problem(404, 'Not Found', 'inbox entry 1844 does not exist'))
  read(@CurrentPrincipal() principal: Principal, @DeliveryIdParam() deliveryId: string) {
    return this.alerts.markRead(principal, deliveryId);
  }
}

export const ALERT_CONTROLLERS = [
  SalesAgentsController,
  SubscriptionsController,
  NotificationsController,
  AlertChangesController,
  InboxController,
];
