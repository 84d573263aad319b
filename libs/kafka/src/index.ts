export * from './ports';
export * from './client';
export * from './topics';
export * from './publisher';
export * from './consumer';
export * from './co-partitioned-assigner';
export * from './cluster-probe';
export * from './batch-transport';
