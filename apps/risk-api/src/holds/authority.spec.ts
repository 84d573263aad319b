import { ApprovalGrant, effectiveAuthority, rejectVerdict, releaseVerdict } from './authority';

const grant = (name: string, maxExcess: bigint | null, mayReleaseOverdue = false): ApprovalGrant => ({
  name,
  maxExcess,
  mayReleaseOverdue,
});
const limitHold = (excess: bigint) => ({ excess, reasons: ['LIMIT_EXCEEDED'] });
const overdueHold = (excess: bigint) => ({ excess, reasons: ['OVERDUE'] });

describe('effectiveAuthority', () => {
  it('is null without roles', () => {
    expect(effectiveAuthority([])).toBeNull();
  });

  it('takes the largest max excess and sorts the role names', () => {
    expect(effectiveAuthority([grant('senior', 500_000n), grant('junior', 100_000n)])).toEqual({
      roles: ['junior', 'senior'],
      maxExcess: 500_000n,
      mayReleaseOverdue: false,
    });
  });

  it('lets an unlimited role win over any amount, in any order', () => {
    expect(effectiveAuthority([grant('a', 100n), grant('b', null)])?.maxExcess).toBeNull();
    expect(effectiveAuthority([grant('b', null), grant('a', 100n)])?.maxExcess).toBeNull();
  });

  it('grants the overdue permission when any role has it', () => {
    expect(effectiveAuthority([grant('a', 0n, false), grant('b', 0n, true)])?.mayReleaseOverdue).toBe(true);
    expect(effectiveAuthority([grant('a', 0n, false), grant('b', 0n, false)])?.mayReleaseOverdue).toBe(false);
  });

  it('keeps a zero max excess (not unlimited)', () => {
    expect(effectiveAuthority([grant('z', 0n)])?.maxExcess).toBe(0n);
  });
});

describe('releaseVerdict', () => {
  it('denies a user without approval roles', () => {
    const verdict = releaseVerdict([], limitHold(1n), 'IT01');
    expect(verdict).toEqual({
      allowed: false,
      authority: null,
      missing: ['APPROVAL_ROLE'],
      message: 'you hold no approval role in company IT01',
    });
  });

  it('denies a user without approval roles even on a hold with no excess', () => {
    expect(releaseVerdict([], limitHold(0n), 'IT01').allowed).toBe(false);
  });

  it('allows an excess equal to max excess (boundary) and denies one cent more', () => {
    expect(releaseVerdict([grant('r', 100_000n)], limitHold(100_000n), 'IT01').allowed).toBe(true);
    const denied = releaseVerdict([grant('r', 100_000n)], limitHold(100_001n), 'IT01');
    expect(denied).toMatchObject({ allowed: false, missing: ['MAX_EXCESS'] });
    expect(denied.allowed === false && denied.message).toBe(
      'not enough authority to release: the hold exceeds the limit by 1000.01 but your approval roles allow ' +
        'releasing at most 1000.00 (your roles: r: max excess 1000.00)',
    );
  });

  it('allows an excess below max excess', () => {
    expect(releaseVerdict([grant('r', 100_000n)], limitHold(99_999n), 'IT01').allowed).toBe(true);
  });

  it('allows any excess with an unlimited role', () => {
    const verdict = releaseVerdict([grant('cfo', null)], limitHold(10n ** 18n), 'IT01');
    expect(verdict).toEqual({
      allowed: true,
      authority: { roles: ['cfo'], maxExcess: null, mayReleaseOverdue: false },
    });
  });

  it('lets a zero max excess release a hold without excess (expired limit / overdue reasons only)', () => {
    expect(releaseVerdict([grant('z', 0n, true)], overdueHold(0n), 'IT01').allowed).toBe(true);
    expect(releaseVerdict([grant('z', 0n)], limitHold(1n), 'IT01').allowed).toBe(false);
  });

  describe('overdue', () => {
    it('requires the overdue permission when the reasons contain OVERDUE', () => {
      const denied = releaseVerdict([grant('r', null, false)], overdueHold(0n), 'IT01');
      expect(denied).toMatchObject({ allowed: false, missing: ['OVERDUE_PERMISSION'] });
      expect(denied.allowed === false && denied.message).toMatch(/overdue/);
      expect(releaseVerdict([grant('r', null, true)], overdueHold(0n), 'IT01').allowed).toBe(true);
    });

    it('requires it also alongside LIMIT_EXCEEDED', () => {
      const hold = { excess: 500n, reasons: ['LIMIT_EXCEEDED', 'OVERDUE'] };
      expect(releaseVerdict([grant('r', 1000n, false)], hold, 'IT01').allowed).toBe(false);
      expect(releaseVerdict([grant('r', 1000n, true)], hold, 'IT01').allowed).toBe(true);
    });

    it('does not require it without OVERDUE (limit exceeded or expired)', () => {
      expect(
        releaseVerdict([grant('r', 1000n)], { excess: 1000n, reasons: ['LIMIT_EXPIRED'] }, 'IT01').allowed,
      ).toBe(true);
    });

    it('reports both missing permissions together', () => {
      const hold = { excess: 2000n, reasons: ['LIMIT_EXCEEDED', 'OVERDUE'] };
      const denied = releaseVerdict([grant('r', 1000n)], hold, 'IT01');
      expect(denied).toMatchObject({ allowed: false, missing: ['MAX_EXCESS', 'OVERDUE_PERMISSION'] });
      expect(denied.allowed === false && denied.message).toMatch(/exceeds the limit by 20\.00.*and.*overdue/);
    });
  });

  describe('several roles combined', () => {
    it('combines the amount of one role with the overdue permission of another', () => {
      const hold = { excess: 300_000n, reasons: ['LIMIT_EXCEEDED', 'OVERDUE'] };
      const grants = [grant('big', 500_000n, false), grant('overdue', 0n, true)];
      expect(releaseVerdict(grants, hold, 'IT01')).toEqual({
        allowed: true,
        authority: { roles: ['big', 'overdue'], maxExcess: 500_000n, mayReleaseOverdue: true },
      });
      expect(releaseVerdict([grants[0]], hold, 'IT01').allowed).toBe(false);
      expect(releaseVerdict([grants[1]], hold, 'IT01').allowed).toBe(false);
    });

    it('uses the largest amount, not the sum', () => {
      const grants = [grant('a', 60_000n), grant('b', 50_000n)];
      expect(releaseVerdict(grants, limitHold(60_000n), 'IT01').allowed).toBe(true);
      expect(releaseVerdict(grants, limitHold(110_000n), 'IT01').allowed).toBe(false);
    });

    it('names every role in the refusal', () => {
      const denied = releaseVerdict([grant('b', 100n, true), grant('a', 50n)], limitHold(200n), 'IT01');
      expect(denied.allowed === false && denied.message).toMatch(
        /your roles: a: max excess 0\.50; b: max excess 1\.00, may release overdue\)$/,
      );
    });
  });
});

describe('rejectVerdict', () => {
  it('allows any approval role, whatever its amount or overdue permission', () => {
    expect(rejectVerdict([grant('z', 0n)], 'IT01')).toEqual({
      allowed: true,
      authority: { roles: ['z'], maxExcess: 0n, mayReleaseOverdue: false },
    });
  });

  it('denies a user without approval roles', () => {
    expect(rejectVerdict([], 'DE01')).toMatchObject({
      allowed: false,
      missing: ['APPROVAL_ROLE'],
      message: 'you hold no approval role in company DE01',
    });
  });
});
