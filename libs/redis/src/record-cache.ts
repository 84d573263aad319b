/**
 * The customer records this instance wrote last, least recently used evicted
 * first. A record is only used when its version is the stored one, so a stale
 * entry (another instance wrote since) costs a read, never a wrong result.
 */
export class RecordCache<T> {
  private readonly entries = new Map<string, T>();

  constructor(private readonly capacity: number) {}

  get(key: string): T | undefined {
    const record = this.entries.get(key);
    if (record !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, record);
    }
    return record;
  }

  remember(key: string, record: T): void {
    if (this.capacity <= 0) return;
    this.entries.delete(key);
    this.entries.set(key, record);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  forget(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
