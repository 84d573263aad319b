import { Role } from './roles';

/** The authenticated caller, built from a verified access token. */
export interface Principal {
  /** The token's `sub`: a user name or a service name. */
  subject: string;
  /** Known roles only (unknown role strings in the token are ignored). */
  roles: Role[];
  /** The companies the caller may see, or `'*'` for all (token claim `["*"]`). */
  companies: string[] | '*';
}

/** Exact, case-sensitive match; `'*'` grants every company. */
export function canAccessCompany(principal: Principal, companyId: string): boolean {
  return principal.companies === '*' || principal.companies.includes(companyId);
}
