import { Controller, Get, Inject, NotFoundException } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireRole } from '@credit/auth';
import { ExposureProjection } from '@credit/postgres';
import { CompanyIdParam, CustomerIdParam } from '../http';
import { EXPOSURE_PROJECTION } from '../tokens';
import { ExposureView, exposureView } from './exposure.view';

@ApiTags('exposure')
@ApiBearerAuth()
@Controller('v1/companies/:companyId/customers')
export class ExposureController {
  constructor(@Inject(EXPOSURE_PROJECTION) private readonly projection: ExposureProjection) {}

  @Get(':customerId/exposure')
  @RequireRole('viewer')
  @ApiOperation({ summary: "A customer's exposure, limit, status and risk class (spec section 9)" })
  async exposure(
    @CompanyIdParam() companyId: string,
    @CustomerIdParam() customerId: string,
  ): Promise<ExposureView> {
    const row = await this.projection.findOne(companyId, customerId);
    if (row === null) {
      throw new NotFoundException(
        `No exposure for customer ${customerId} in company ${companyId}: no event for this customer has been received`,
      );
    }
    return exposureView(row);
  }
}
