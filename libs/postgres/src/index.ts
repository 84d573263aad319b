export * from './customer-exposure.entity';
export * from './reporting.entities';
export * from './data-source';
export * from './exposure-projection';
export * from './api-outbox';
export * from './limits-parameters.entities';
export * from './hold.entity';
export * from './approvals.entities';
