import { BadRequestException, Body, Controller, Get, HttpCode, Put } from '@nestjs/common';
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
import { DEFAULT_DUNNING_POLICY, dunningPolicyFromWire, dunningPolicyToWire } from '@credit/domain';
import { CompanyIdParam } from '../http';
import { problemResponse as problem } from '../limits/openapi';
import { CompanyParametersService } from '../parameters/company-parameters.service';
import {
  DunningPolicyBody,
  DunningPolicyChangeResult,
  dunningLevelErrors,
  EffectiveDunningPolicy,
} from './dunning-policy.dto';

const DEFAULT = dunningPolicyToWire(DEFAULT_DUNNING_POLICY);

/**
 * The company's dunning policy (spec section 12): part of the company
 * parameters, so a change is audited in their history and puts every customer
 * of the company up for re-assessment, like any other parameter.
 */
@ApiTags('company parameters')
@ApiBearerAuth()
@ApiUnauthorizedResponse({
  description: 'No valid bearer token.',
  ...problem(401, 'Unauthorized', 'missing bearer token'),
})
@Controller('v1/companies/:companyId/dunning-policy')
export class DunningPolicyController {
  constructor(private readonly parameters: CompanyParametersService) {}

  @Get()
  @RequireRole('viewer')
  @ApiOperation({ summary: "The company's dunning policy (levels and minimum overdue amount)" })
  @ApiOkResponse({
    type: EffectiveDunningPolicy,
    example: { companyId: 'IT01', policy: DEFAULT, customised: false },
  })
  @ApiForbiddenResponse({
    description: 'Company not in the token.',
    ...problem(403, 'Forbidden', 'no access to company IT02'),
  })
  async get(@CompanyIdParam() companyId: string): Promise<EffectiveDunningPolicy> {
    const { parameters, customised } = await this.parameters.get(companyId);
    return { companyId, policy: parameters.dunning, customised };
  }

  @Put()
  @RequireRole('credit-manager')
  @HttpCode(200)
  @ApiOperation({
    summary: "Replaces the company's dunning policy",
    description:
      '1 to 9 levels numbered 1..n, daysOverdue strictly increasing, each with its action; the minimum overdue ' +
      'residual for a case; a mandatory reason. Audited in the parameters history; the engine re-assesses every ' +
      "customer of the company (cases open, rise or close by the new policy on the customer's next fold).",
  })
  @ApiOkResponse({
    type: DunningPolicyChangeResult,
    example: {
      companyId: 'IT01',
      policy: { ...DEFAULT, minAmount: '100.00' },
      before: DEFAULT,
      changeId: '7d0e8b1a-1c1e-4a3e-9a55-2f7b8f1f0c22',
      changedAt: '2026-03-01T09:15:00.000Z',
      customersReviewed: 42,
    },
  })
  @ApiBadRequestResponse({
    description: 'Invalid body: the message names the field.',
    ...problem(400, 'Bad Request', 'levels[1].daysOverdue must be > levels[0].daysOverdue (7 <= 7)'),
  })
  @ApiForbiddenResponse({
    description: 'Not a credit-manager, or company not in the token.',
    ...problem(403, 'Forbidden', 'requires role credit-manager'),
  })
  async put(
    @CompanyIdParam() companyId: string,
    @Body() body: DunningPolicyBody,
    @CurrentPrincipal() principal: Principal,
  ): Promise<DunningPolicyChangeResult> {
    const errors = dunningLevelErrors(body.levels);
    if (errors.length > 0)
      throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message: errors });
    const dunning = dunningPolicyFromWire({ levels: body.levels, minAmount: body.minAmount });
    const result = await this.parameters.update(companyId, { dunning, reason: body.reason }, principal);
    return {
      companyId,
      policy: result.parameters.dunning,
      before: result.before.dunning,
      changeId: result.changeId,
      changedAt: result.changedAt,
      customersReviewed: result.customersReviewed,
    };
  }
}
