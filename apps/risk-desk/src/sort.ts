/**
 * The board's sort, in the API's form (`total`, `-total`: `-` for descending),
 * as the table headers show and change it.
 */
export type Direction = 'ascending' | 'descending';

/** The direction `key` is sorted in, or undefined when the list is sorted by another column. */
export function directionOf(sort: string, key: string): Direction | undefined {
  if (sort === key) return 'ascending';
  if (sort === `-${key}`) return 'descending';
  return undefined;
}

/**
 * The sort a click on `key`'s header asks for: the other direction when the
 * list is already sorted by it, else `first` (amounts and severity are read
 * highest first, codes from A).
 */
export function nextSort(sort: string, key: string, first: Direction): string {
  const current = directionOf(sort, key) ?? (first === 'ascending' ? 'descending' : 'ascending');
  return current === 'ascending' ? `-${key}` : key;
}
