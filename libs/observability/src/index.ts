export * from './metrics';
export * from './engine-metrics';
export * from './api-metrics';
export * from './consumer-lag';
export * from './exposition';
export * from './metrics.controller';
export * from './logging';
