export * from './customer-exposure.entity';
export * from './reporting.entities';
export * from './data-source';
export * from './exposure-projection';
export * from './api-outbox';
