export * from './background-loop';
