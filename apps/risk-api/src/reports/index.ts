import { CompanyReportsController } from './company-reports.controller';
import { CustomerReportsController } from './customer-reports.controller';

export { ReportsRepository } from './reports.repository';
export { CompanyReportsController, CustomerReportsController };

/** The reporting routes (issue 4, item 7): register with ReportsRepository as a provider. */
export const REPORT_CONTROLLERS = [CompanyReportsController, CustomerReportsController];
