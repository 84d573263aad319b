export * from './infrastructure.module';
