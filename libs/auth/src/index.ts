export * from './roles';
export * from './principal';
export * from './jwt';
export * from './decorators';
export * from './auth.guard';
export * from './auth.module';
export { mintToken, parseTtl, MintTokenUsageError, DEFAULT_TTL_SECONDS } from './mint-token';
export type { MintTokenOptions } from './mint-token';
