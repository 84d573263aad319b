import { CompanyParameters, DEFAULT_PARAMETERS } from '@credit/domain';

/** Where the engine learns a company's parameters. */
export interface CompanyParametersSource {
  get(companyId: string): CompanyParameters;
}

/** Every company on the contract's defaults, in the configured time zone. */
export class DefaultCompanyParameters implements CompanyParametersSource {
  private readonly parameters: CompanyParameters;

  constructor(timeZone: string) {
    this.parameters = { ...DEFAULT_PARAMETERS, timeZone };
  }

  get(): CompanyParameters {
    return this.parameters;
  }
}
