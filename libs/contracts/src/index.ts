export * from './schemas';
export * from './decode';
export * from './encode';
export * from './outputs';
export * from './notification-events';
export { buildAsyncApiDocument, renderAsyncApiDocument, ASYNCAPI_PATH } from './asyncapi';
export { INPUT_EXAMPLES, OUTPUT_EXAMPLES, DEAD_LETTER_EXAMPLES, NOTIFICATION_EXAMPLES } from './examples';
export * from './document-outcomes';
export type * from './resources';
