export type DependencyCheck = () => Promise<unknown>;

export interface HealthReport {
  status: 'ok' | 'unavailable';
  checks: Record<string, { status: 'up' | 'down'; latencyMs: number; error?: string }>;
}

/** Runs every check in parallel, each bounded by a timeout; ready only when all are up. */
export async function checkHealth(
  checks: Record<string, DependencyCheck>,
  timeoutMs = 2000,
): Promise<HealthReport> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      const started = Date.now();
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          check(),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
          }),
        ]);
        return [name, { status: 'up' as const, latencyMs: Date.now() - started }] as const;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        return [name, { status: 'down' as const, latencyMs: Date.now() - started, error: message }] as const;
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  const report = Object.fromEntries(entries);
  return { status: entries.every(([, r]) => r.status === 'up') ? 'ok' : 'unavailable', checks: report };
}
