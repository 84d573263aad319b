import { customerKey } from '@credit/contracts';
import { Controller, Get, Inject, NotFoundException, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireRole } from '@credit/auth';
import { CustomerExposureRepository, CustomerExposureRow, isDatabaseUnavailable } from '@credit/postgres';
import { LiveRecords } from '@credit/redis';
import { CompanyIdParam, CustomerIdParam } from '../http';
import { LIVE_RECORDS } from '../tokens';
import { ExposureView, exposureView, exposureViewOfRecord } from './exposure.view';

@ApiTags('exposure')
@ApiBearerAuth()
@Controller('v1/companies/:companyId/customers')
export class ExposureController {
  constructor(
    private readonly exposures: CustomerExposureRepository,
    @Inject(LIVE_RECORDS) private readonly records: LiveRecords,
  ) {}

  @Get(':customerId/exposure')
  @RequireRole('viewer')
  @ApiOperation({ summary: "A customer's exposure, limit, status and risk class (spec section 9)" })
  async exposure(
    @CompanyIdParam() companyId: string,
    @CustomerIdParam() customerId: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ExposureView> {
    let row: CustomerExposureRow | null;
    try {
      row = await this.exposures.find(companyId, customerId);
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
      // Postgres away: the engine's live state answers, and says so.
      const live = await this.live(companyId, customerId);
      response.setHeader('X-Exposure-Source', 'live-state');
      return live;
    }
    if (row === null) throw notFound(companyId, customerId);
    return exposureView(row);
  }

  private async live(companyId: string, customerId: string): Promise<ExposureView> {
    const key = customerKey(companyId, customerId);
    const record = await this.records.get(key);
    const view = record ? exposureViewOfRecord(record, new Date()) : null;
    if (view === null) throw notFound(companyId, customerId);
    return view;
  }
}

const notFound = (companyId: string, customerId: string) =>
  new NotFoundException(
    `No exposure for customer ${customerId} in company ${companyId}: no event for this customer has been received`,
  );
