/** Injection tokens of the engine's ports. */
export const ENGINE_SETTINGS = Symbol('ENGINE_SETTINGS');
export const CLOCK = Symbol('CLOCK');
export const EXPOSURE_STORE = Symbol('EXPOSURE_STORE');
/** The shared KafkaPublisher (libs/infrastructure). */
export { MESSAGE_PUBLISHER } from '@credit/infrastructure';
export const COMPANY_PARAMETERS = Symbol('COMPANY_PARAMETERS');
export const EXPOSURE_PROJECTION = Symbol('EXPOSURE_PROJECTION');
export const DOCUMENT_HOLDS = Symbol('DOCUMENT_HOLDS');
export const PROJECTION_QUARANTINE = Symbol('PROJECTION_QUARANTINE');
export const STORE_REBUILD = Symbol('STORE_REBUILD');
/** `(partition) => Lease`: the lease of a partition's outbox relay, held under this instance's owner id. */
export const RELAY_LEASE = Symbol('RELAY_LEASE');
/** `() => number[]`: the input partitions the consumer group assigned this instance now. */
export const OWNED_PARTITIONS = Symbol('OWNED_PARTITIONS');

/** The input partitions this instance owns now. */
export type OwnedPartitions = () => number[];
