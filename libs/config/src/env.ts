import { readFileSync, existsSync } from 'node:fs';
import { parse } from 'dotenv';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

/**
 * The process environment over the optional `.env` file (ENV_FILE names another):
 * a variable set in the environment always wins over the file.
 */
export function loadEnvironment(env: NodeJS.ProcessEnv = process.env): Record<string, string | undefined> {
  const file = env.ENV_FILE ?? '.env';
  const fromFile = existsSync(file) ? parse(readFileSync(file)) : {};
  return { ...fromFile, ...env };
}

const DURATION = /^([1-9][0-9]{0,9})([smhd]?)$/;
const UNIT_SECONDS: Record<string, number> = { '': 1, s: 1, m: 60, h: 3600, d: 86400 };

/** `3600`, `45s`, `30m`, `8h`, `7d` → seconds; undefined when the text is none of these. */
export function parseDurationSeconds(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  return match ? Number(match[1]) * UNIT_SECONDS[match[2]] : undefined;
}

/** Reads typed settings and collects every problem, so one start-up names them all. */
export class EnvReader {
  readonly problems: string[] = [];

  constructor(private readonly env: Record<string, string | undefined>) {}

  private raw(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  string(name: string, fallback?: string, pattern?: RegExp, rule?: string): string {
    const value = this.raw(name) ?? fallback;
    if (value === undefined) {
      this.problems.push(`${name} is required`);
      return '';
    }
    if (pattern && !pattern.test(value))
      this.problems.push(`${name} ${rule ?? `must match ${pattern}`} (got "${value}")`);
    return value;
  }

  secret(name: string, minLength: number): string {
    const value = this.raw(name);
    if (value === undefined)
      this.problems.push(`${name} is required (a secret of at least ${minLength} characters)`);
    else if (value.length < minLength)
      this.problems.push(`${name} must be at least ${minLength} characters long`);
    return value ?? '';
  }

  /** An optional setting: undefined when unset or blank. */
  optional(name: string, pattern: RegExp, rule: string): string | undefined {
    const value = this.raw(name);
    if (value !== undefined && !pattern.test(value)) this.problems.push(`${name} ${rule} (got "${value}")`);
    return value;
  }

  /** A duration in seconds, written as seconds or a number with s, m, h or d (`8h`). */
  duration(name: string, fallbackSeconds: number, minSeconds: number, maxSeconds: number): number {
    const text = this.raw(name);
    if (text === undefined) return fallbackSeconds;
    const seconds = parseDurationSeconds(text);
    if (seconds === undefined || seconds < minSeconds || seconds > maxSeconds) {
      this.problems.push(
        `${name} must be a duration from ${minSeconds} s to ${maxSeconds} s, as seconds or with s, m, h or d (got "${text}")`,
      );
      return fallbackSeconds;
    }
    return seconds;
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const text = this.raw(name);
    if (text === undefined) return fallback;
    const value = Number(text);
    if (!/^-?\d+$/.test(text) || value < min || value > max) {
      this.problems.push(`${name} must be a whole number from ${min} to ${max} (got "${text}")`);
      return fallback;
    }
    return value;
  }

  oneOf<T extends string>(name: string, fallback: T, allowed: readonly T[]): T {
    const text = this.raw(name) ?? fallback;
    if (!allowed.includes(text as T))
      this.problems.push(`${name} must be one of ${allowed.join(', ')} (got "${text}")`);
    return text as T;
  }

  url(name: string, fallback: string, protocols: readonly string[]): string {
    const text = this.raw(name) ?? fallback;
    try {
      const parsed = new URL(text);
      if (!protocols.includes(parsed.protocol)) throw new Error('protocol');
    } catch {
      this.problems.push(
        `${name} must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`,
      );
    }
    return text;
  }

  list(name: string, fallback: string, itemPattern: RegExp, rule: string, optional = false): string[] {
    const items = (this.raw(name) ?? fallback)
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (items.length === 0 && !optional) this.problems.push(`${name} must list at least one value`);
    for (const item of items) if (!itemPattern.test(item)) this.problems.push(`${name}: "${item}" ${rule}`);
    return items;
  }

  done(): void {
    if (this.problems.length > 0) throw new ConfigError(this.problems);
  }
}
