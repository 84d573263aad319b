/**
 * Column types chosen so that whatever the contract accepts can be stored (docs/architecture.md,
 * "Storable by construction"). Input amounts have at most 13 integer digits, but the projections
 * store sums of any number of them (a total, a utilisation against a limit of 0.01): numeric(20,2)
 * overflowed there. numeric(1000,2) keeps exactly two decimals and the largest precision Postgres
 * has, far beyond any sum of 13-digit amounts.
 */
export const MONEY_SUM_PRECISION = 1000;
export const MONEY_SCALE = 2;
/** The SQL type of a money column holding a sum. */
export const MONEY_SUM_COLUMN = `numeric(${MONEY_SUM_PRECISION},${MONEY_SCALE})`;
