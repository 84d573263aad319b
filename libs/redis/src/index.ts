export * from './keys';
export * from './ports';
export * from './exposure-store';
export * from './lease';
export * from './connection';
export * from './company-parameters-store';
export * from './record-cache';
export * from './live-records';
