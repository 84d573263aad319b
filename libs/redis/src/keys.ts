/** Every key the product writes, under one prefix so that tests and tenants never collide. */
export class RedisKeys {
  constructor(readonly prefix: string) {}
  customer = (customerKey: string) => `${this.prefix}customer:${customerKey}`;
  /** The eventIds applied before the window layout (a hash, no longer written): still read, so they stay known. */
  seen = (customerKey: string) => `${this.prefix}seen:${customerKey}`;
  /** Per input topic and customer: applied eventId -> its occurredAt (ms), forgotten past the window (spec 4.1). */
  appliedIds = (topic: string, customerKey: string) => `${this.prefix}applied-ids:${topic}:${customerKey}`;
  applied = (topic: string, partition: number) => `${this.prefix}applied:${topic}:${partition}`;
  readonly outbox = () => `${this.prefix}outbox`;
  /** Customers whose projection is behind: customer key -> the version that made it so. */
  readonly projectionDue = () => `${this.prefix}projection-due`;
  /** The output events still to be copied into the history table. */
  readonly history = () => `${this.prefix}history`;
  readonly review = () => `${this.prefix}review`;
  readonly epoch = () => `${this.prefix}epoch`;
  /** `<topic>:<partition>` -> the offset the partition must reach before its customers count as rebuilt (RebuildMarker). */
  readonly rebuild = () => `${this.prefix}rebuild`;
  lease = (name: string) => `${this.prefix}lease:${name}`;
  companyCustomers = (companyId: string) => `${this.prefix}company-customers:${companyId}`;
  companyParameters = (companyId: string) => `${this.prefix}company-parameters:${companyId}`;
  /** Per customer: `<documentType>:<documentId>` -> the document's hold steps (DocumentHolds). */
  documentHolds = (customerKey: string) => `${this.prefix}document-holds:${customerKey}`;
  readonly pattern = () => `${this.prefix}*`;
}
