import { CompanyReportsController } from './company-reports.controller';
import { CustomerReportsController } from './customer-reports.controller';

export { CompanyReportsController, CustomerReportsController };

/** The reporting routes (issue 4, item 7), over ReportsRepository (libs/postgres). */
export const REPORT_CONTROLLERS = [CompanyReportsController, CustomerReportsController];
