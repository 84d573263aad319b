import { Controller, Get } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { RequireRole } from '@credit/auth';
import { CompanyIdParam, CustomerIdParam } from '../http';
import { problemResponse as problem } from '../limits/openapi';
import { LimitProposalView } from './limit-proposal.dto';
import { LimitProposalService } from './limit-proposal.service';

@ApiTags('credit limits')
@ApiBearerAuth()
@ApiUnauthorizedResponse({
  description: 'No valid bearer token.',
  ...problem(401, 'Unauthorized', 'missing bearer token'),
})
@Controller('v1/companies/:companyId/customers/:customerId/credit-limit/proposal')
export class LimitProposalController {
  constructor(private readonly proposals: LimitProposalService) {}

  @Get()
  @RequireRole('viewer')
  @ApiOperation({
    summary: 'A proposed credit limit and its basis',
    description:
      'Invoiced turnover of the last 12 months (invoices minus credit notes dated in the 365 days ending today, ' +
      'not cancelled; invoices sent without invoiceDate are not counted) / 365 x (payment terms + avgDaysLate) x ' +
      "the company's factor for the customer's risk class, rounded up to 100.00, computed exactly. Payment terms: " +
      "the credit class's maximum, else the customer's own terms (customer.updated), else 0 (termsSource says which). " +
      'A proposal only: setting it is a PUT of the credit limit (four eyes apply).',
  })
  @ApiOkResponse({
    type: LimitProposalView,
    example: {
      proposedAmount: '7400.00',
      currentLimit: '5000.00',
      basis: {
        turnover12m: '90000.00',
        fromDate: '2025-07-01',
        toDate: '2026-06-30',
        maxPaymentTermsDays: 30,
        termsSource: 'class',
        avgDaysLate: '12.35',
        riskClass: 'C',
        factor: '0.7',
      },
    },
  })
  @ApiForbiddenResponse({
    description: 'Company not in the token.',
    ...problem(403, 'Forbidden', 'no access to company IT02'),
  })
  propose(
    @CompanyIdParam() companyId: string,
    @CustomerIdParam() customerId: string,
  ): Promise<LimitProposalView> {
    return this.proposals.propose(companyId, customerId);
  }
}
