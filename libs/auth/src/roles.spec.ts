import fc from 'fast-check';
import { isRole, knownRoles, Role, ROLES, satisfies, satisfiesAny } from './roles';

/** The table of roles.ts, written out independently: held role → required roles it satisfies. */
const EXPECTED: Record<Role, Role[]> = {
  viewer: ['viewer'],
  approver: ['viewer', 'approver'],
  'credit-manager': ['viewer', 'approver', 'credit-manager'],
  admin: ['viewer', 'approver', 'credit-manager', 'admin'],
  'erp-service': ['viewer', 'erp-service'],
};

describe('roles', () => {
  it.each(ROLES.flatMap((held) => ROLES.map((required) => [held, required] as const)))(
    'held %s, required %s',
    (held, required) => {
      expect(satisfies([held], required)).toBe(EXPECTED[held].includes(required));
    },
  );

  it('"viewer or higher" is satisfied by all four hierarchy roles and by erp-service', () => {
    expect(ROLES.filter((held) => satisfies([held], 'viewer'))).toEqual([...ROLES]);
  });

  it('grants nothing for no roles or unknown role strings', () => {
    for (const required of ROLES) {
      expect(satisfies([], required)).toBe(false);
      expect(satisfies(['root', 'Admin', 'ADMIN', '*', ''], required)).toBe(false);
    }
  });

  it('combines held roles (any of them may grant)', () => {
    expect(satisfies(['erp-service', 'approver'], 'approver')).toBe(true);
    expect(satisfies(['erp-service', 'viewer'], 'approver')).toBe(false);
  });

  it('satisfiesAny is "any of the required roles"', () => {
    expect(satisfiesAny(['erp-service'], ['approver', 'erp-service'])).toBe(true);
    expect(satisfiesAny(['viewer'], ['approver', 'erp-service'])).toBe(false);
    expect(satisfiesAny(['admin'], [])).toBe(false);
  });

  it('the hierarchy is monotonic: a higher role satisfies whatever a lower one does', () => {
    const hierarchy: Role[] = ['viewer', 'approver', 'credit-manager', 'admin'];
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 3 }),
        fc.constantFrom(...ROLES),
        (a, b, required) => {
          const [low, high] = a <= b ? [hierarchy[a], hierarchy[b]] : [hierarchy[b], hierarchy[a]];
          return !satisfies([low], required) || satisfies([high], required);
        },
      ),
    );
  });

  it('adding roles never takes a permission away', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constantFrom(...ROLES), fc.string())),
        fc.array(fc.oneof(fc.constantFrom(...ROLES), fc.string())),
        fc.constantFrom(...ROLES),
        (held, more, required) => !satisfies(held, required) || satisfies([...held, ...more], required),
      ),
    );
  });

  it('isRole and knownRoles keep only known roles, deduplicated', () => {
    expect(isRole('viewer')).toBe(true);
    expect(isRole('Viewer')).toBe(false);
    expect(isRole(1)).toBe(false);
    expect(knownRoles(['admin', 'x', 'viewer', 'admin', 3])).toEqual(['viewer', 'admin']);
  });
});
