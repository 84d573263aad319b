import { BadRequestException, Param, PipeTransform } from '@nestjs/common';

/**
 * Path parameters of the contract (spec section 2).
 *
 * A customerId may contain `/`: clients must URL-encode it (`C/001` is sent as
 * `C%2F001`), and routes declare it as a plain `:customerId` segment. Express
 * matches routes on the encoded path and decodes the param afterwards, so the
 * handler receives `C/001`. An unencoded `/` simply does not match the route (404).
 */
export const COMPANY_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;
export const CUSTOMER_ID_PATTERN = /^[A-Za-z0-9._/-]{1,64}$/;

const mustMatch = (name: string, pattern: RegExp): string => `${name} must match ${pattern.source}`;

/** Validates one string path param against a pattern: 400 "<name> must match <pattern>". */
export class PatternParamPipe implements PipeTransform<unknown, string> {
  constructor(
    private readonly name: string,
    private readonly pattern: RegExp,
  ) {}

  transform(value: unknown): string {
    if (typeof value === 'string' && this.pattern.test(value)) return value;
    throw new BadRequestException(mustMatch(this.name, this.pattern));
  }
}

export class CompanyIdPipe extends PatternParamPipe {
  constructor() {
    super('companyId', COMPANY_ID_PATTERN);
  }
}

export class CustomerIdPipe extends PatternParamPipe {
  constructor() {
    super('customerId', CUSTOMER_ID_PATTERN);
  }
}

/** `@CompanyIdParam() companyId: string` = `@Param('companyId', new CompanyIdPipe())`. */
export const CompanyIdParam = (): ParameterDecorator => Param('companyId', new CompanyIdPipe());
/** `@CustomerIdParam() customerId: string` = `@Param('customerId', new CustomerIdPipe())`. */
export const CustomerIdParam = (): ParameterDecorator => Param('customerId', new CustomerIdPipe());
