export * from './problem.filter';
export * from './validation';
export * from './params';
export * from './setup';
export * from './rate-limit';
export * from './customer-master-data';
export * from './slots';
