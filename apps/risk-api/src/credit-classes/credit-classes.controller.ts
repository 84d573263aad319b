import { Body, Controller, Delete, Get, HttpCode, Put, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
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
  AssignCreditClassBody,
  CreditClassCodeParam,
  CreditClassPage,
  CreditClassView,
  CustomerCreditClassView,
  PutCreditClassBody,
} from './credit-class.dto';
import { CreditClassesService } from './credit-classes.service';

const CLASS_EXAMPLE: CreditClassView = {
  code: 'GOLD',
  description: 'Good customers: 60 days, 20k per document',
  maxPaymentTermsDays: 60,
  maxDocumentAmount: '20000.00',
  reviewEveryDays: 365,
  customers: 12,
  updatedBy: 'maria.rossi',
  updatedAt: '2026-03-01T09:15:00.000Z',
};
const ASSIGNMENT_EXAMPLE: CustomerCreditClassView = {
  customerId: 'C000123',
  code: 'GOLD',
  reason: 'Judged fit at onboarding',
  assignedBy: 'maria.rossi',
  assignedAt: '2026-03-01T09:15:00.000Z',
};
const forbidden = (roleNeeded: string) => ({
  description: `${roleNeeded === 'viewer' ? '' : `Not a ${roleNeeded}, or c`}${roleNeeded === 'viewer' ? 'C' : ''}ompany not in the token.`,
  ...problem(
    403,
    'Forbidden',
    roleNeeded === 'viewer' ? 'no access to company IT02' : `requires role ${roleNeeded}`,
  ),
});
const classNotFound = {
  description: 'No such class in the company.',
  ...problem(404, 'Not Found', 'credit class GOLD does not exist in company IT01'),
};

/** Credit classes of a company and the class of each customer (spec section 11). */
@ApiTags('credit classes')
@ApiBearerAuth()
@ApiUnauthorizedResponse({
  description: 'No valid bearer token.',
  ...problem(401, 'Unauthorized', 'missing bearer token'),
})
@Controller('v1/companies/:companyId')
export class CreditClassesController {
  constructor(private readonly classes: CreditClassesService) {}

  @Get('credit-classes')
  @RequireRole('viewer')
  @ApiOperation({ summary: "The company's credit classes, by code" })
  @ApiOkResponse({
    type: CreditClassPage,
    example: { items: [CLASS_EXAMPLE], limit: 50, offset: 0, total: 1 },
  })
  @ApiBadRequestResponse({
    description: 'Invalid query.',
    ...problem(400, 'Bad Request', 'limit must not be greater than 500'),
  })
  @ApiForbiddenResponse(forbidden('viewer'))
  list(@CompanyIdParam() companyId: string, @Query() query: PageQuery): Promise<CreditClassPage> {
    return this.classes.list(companyId, query);
  }

  @Get('credit-classes/:code')
  @RequireRole('viewer')
  @ApiOperation({ summary: 'One credit class, with how many customers hold it' })
  @ApiOkResponse({ type: CreditClassView, example: CLASS_EXAMPLE })
  @ApiForbiddenResponse(forbidden('viewer'))
  @ApiNotFoundResponse(classNotFound)
  get(@CompanyIdParam() companyId: string, @CreditClassCodeParam() code: string): Promise<CreditClassView> {
    return this.classes.get(companyId, code);
  }

  @Put('credit-classes/:code')
  @RequireRole('credit-manager')
  @ApiOperation({
    summary: 'Creates (201) or replaces (200) a credit class',
    description:
      'Audited. When the terms of a class change, every customer holding it receives creditClass.assigned again ' +
      'with the new terms (assignedBy = the editor, reason "class updated"), in the same transaction (outbox).',
  })
  @ApiCreatedResponse({ type: CreditClassView, example: { ...CLASS_EXAMPLE, customers: 0 } })
  @ApiOkResponse({ type: CreditClassView, example: CLASS_EXAMPLE })
  @ApiBadRequestResponse({
    description: 'Invalid body: the message names the field.',
    ...problem(400, 'Bad Request', 'maxPaymentTermsDays must be an integer from 0 to 3650'),
  })
  @ApiForbiddenResponse(forbidden('credit-manager'))
  async put(
    @CompanyIdParam() companyId: string,
    @CreditClassCodeParam() code: string,
    @Body() body: PutCreditClassBody,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) response: Response,
  ): Promise<CreditClassView> {
    const { creditClass, created } = await this.classes.put(companyId, code, body, principal);
    response.status(created ? 201 : 200);
    return creditClass;
  }

  @Delete('credit-classes/:code')
  @RequireRole('credit-manager')
  @HttpCode(204)
  @ApiOperation({ summary: 'Deletes a credit class no customer holds (audited)' })
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiForbiddenResponse(forbidden('credit-manager'))
  @ApiNotFoundResponse(classNotFound)
  @ApiConflictResponse({
    description: 'Customers still hold the class.',
    ...problem(
      409,
      'Conflict',
      'credit class GOLD is still held by 12 customer(s) in company IT01; assign them another class first',
    ),
  })
  delete(
    @CompanyIdParam() companyId: string,
    @CreditClassCodeParam() code: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<void> {
    return this.classes.delete(companyId, code, principal);
  }

  @Get('customers/:customerId/credit-class')
  @RequireRole('viewer')
  @ApiOperation({ summary: "A customer's credit class" })
  @ApiOkResponse({ type: CustomerCreditClassView, example: ASSIGNMENT_EXAMPLE })
  @ApiForbiddenResponse(forbidden('viewer'))
  @ApiNotFoundResponse({
    description: 'The customer has no class.',
    ...problem(404, 'Not Found', 'customer C000123 of company IT01 has no credit class'),
  })
  assignment(
    @CompanyIdParam() companyId: string,
    @CustomerIdParam() customerId: string,
  ): Promise<CustomerCreditClassView> {
    return this.classes.assignment(companyId, customerId);
  }

  @Put('customers/:customerId/credit-class')
  @RequireRole('credit-manager')
  @HttpCode(200)
  @ApiOperation({
    summary: "Assigns a customer's credit class",
    description:
      'Audited and published as creditClass.assigned (with the class terms) on risk.credit-limits in the same ' +
      'transaction; the engine checks payment terms and document amounts against it.',
  })
  @ApiOkResponse({ type: CustomerCreditClassView, example: ASSIGNMENT_EXAMPLE })
  @ApiBadRequestResponse({
    description: 'Invalid body: the message names the field.',
    ...problem(400, 'Bad Request', 'code must match ^[A-Za-z0-9_-]{1,32}$'),
  })
  @ApiForbiddenResponse(forbidden('credit-manager'))
  @ApiNotFoundResponse(classNotFound)
  assign(
    @CompanyIdParam() companyId: string,
    @CustomerIdParam() customerId: string,
    @Body() body: AssignCreditClassBody,
    @CurrentPrincipal() principal: Principal,
  ): Promise<CustomerCreditClassView> {
    return this.classes.assign(companyId, customerId, body, principal);
  }
}
