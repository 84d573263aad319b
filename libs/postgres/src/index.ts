export * from './customer-exposure.entity';
export * from './data-source';
export * from './exposure-projection';
