import { Body, Controller, Get, HttpCode, Put, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { CurrentPrincipal, Principal, RequireRole } from '@credit/auth';
import { DEFAULT_PARAMETERS as DEFAULTS, parametersToWire } from '@credit/domain';
import { CompanyIdParam } from '../http';
import { PageQuery } from '../http/paging';
import {
  CompanyParametersChangeResult,
  CompanyParametersHistoryPage,
  EffectiveCompanyParameters,
  UpdateCompanyParametersBody,
} from './company-parameters.dto';
import { CompanyParametersService } from './company-parameters.service';
import { problemResponse as problem } from '../limits/openapi';

/** The defaults as JSON carries them (the dunning minimum as a money string): OpenAPI examples. */
const DEFAULT_PARAMETERS = parametersToWire(DEFAULTS);
const CHANGE_ID = '7d0e8b1a-1c1e-4a3e-9a55-2f7b8f1f0c22';
const AFTER = {
  ...DEFAULT_PARAMETERS,
  includedComponents: { ...DEFAULT_PARAMETERS.includedComponents, orders: false },
};

@ApiTags('company parameters')
@ApiBearerAuth()
@ApiUnauthorizedResponse({
  description: 'No valid bearer token.',
  ...problem(401, 'Unauthorized', 'missing bearer token'),
})
@Controller('v1/companies/:companyId/parameters')
export class CompanyParametersController {
  constructor(private readonly parameters: CompanyParametersService) {}

  @Get()
  @RequireRole('viewer')
  @ApiOperation({
    summary: "The company's effective parameters",
    description:
      'The stored parameters over the defaults of the contract (time zone: the configured default).',
  })
  @ApiOkResponse({
    type: EffectiveCompanyParameters,
    example: { companyId: 'IT01', parameters: DEFAULT_PARAMETERS, customised: false },
  })
  @ApiForbiddenResponse({
    description: 'Company not in the token.',
    ...problem(403, 'Forbidden', 'no access to company IT02'),
  })
  get(@CompanyIdParam() companyId: string): Promise<EffectiveCompanyParameters> {
    return this.parameters.get(companyId);
  }

  @Put()
  @RequireRole('credit-manager')
  @HttpCode(200)
  @ApiOperation({
    summary: "Changes the company's parameters",
    description:
      'Any subset of the parameters (nested objects merge field by field; a risk class is given whole) and a ' +
      'mandatory reason. Audited (before, after, who, when, why); the engine re-assesses every customer of ' +
      'the company at once.',
  })
  @ApiOkResponse({
    type: CompanyParametersChangeResult,
    example: {
      companyId: 'IT01',
      parameters: AFTER,
      before: DEFAULT_PARAMETERS,
      changeId: CHANGE_ID,
      changedAt: '2026-03-01T09:15:00.000Z',
      customersReviewed: 42,
    },
  })
  @ApiBadRequestResponse({
    description: 'Invalid body: the message names the field.',
    ...problem(
      400,
      'Bad Request',
      'riskClasses.B.maxAvgDaysLate must be >= riskClasses.A.maxAvgDaysLate (3 < 5)',
    ),
  })
  @ApiForbiddenResponse({
    description: 'Not a credit-manager, or company not in the token.',
    ...problem(403, 'Forbidden', 'requires role credit-manager'),
  })
  update(
    @CompanyIdParam() companyId: string,
    @Body() body: UpdateCompanyParametersBody,
    @CurrentPrincipal() principal: Principal,
  ): Promise<CompanyParametersChangeResult> {
    return this.parameters.update(companyId, body, principal);
  }

  @Get('history')
  @RequireRole('viewer')
  @ApiOperation({
    summary: "The changes of the company's parameters, newest first",
    description: 'Before, after, who, when, why. Paginated (limit 1..500, default 50; offset).',
  })
  @ApiOkResponse({
    type: CompanyParametersHistoryPage,
    example: {
      items: [
        {
          changeId: CHANGE_ID,
          before: DEFAULT_PARAMETERS,
          after: AFTER,
          changedBy: 'maria.rossi',
          reason: 'Orders are prepaid',
          changedAt: '2026-03-01T09:15:00.000Z',
        },
      ],
      limit: 50,
      offset: 0,
      total: 1,
    },
  })
  @ApiBadRequestResponse({
    description: 'Invalid query.',
    ...problem(400, 'Bad Request', 'offset must not be less than 0'),
  })
  @ApiForbiddenResponse({
    description: 'Company not in the token.',
    ...problem(403, 'Forbidden', 'no access to company IT02'),
  })
  history(
    @CompanyIdParam() companyId: string,
    @Query() query: PageQuery,
  ): Promise<CompanyParametersHistoryPage> {
    return this.parameters.history(companyId, query);
  }
}
