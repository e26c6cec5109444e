// Medians and percentiles over repeated runs, and timing of one call.

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** Nearest-rank percentile (p in 0..100); NaN for no values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] ?? NaN;
}

export function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

export function timeSync<T>(action: () => T): { readonly ms: number; readonly result: T } {
  const started = performance.now();
  const result = action();
  return { ms: performance.now() - started, result };
}

export async function timeAsync<T>(action: () => Promise<T>): Promise<{ readonly ms: number; readonly result: T }> {
  const started = performance.now();
  const result = await action();
  return { ms: performance.now() - started, result };
}
