// Milliseconds from an arbitrary start, for timing within a process. The global `performance`
// loads node:perf_hooks on first use (~0.8 ms): the hook, which runs on every tool call, times
// itself with this instead.

export function nowMs(): number {
  const [seconds, nanoseconds] = process.hrtime();
  return seconds * 1e3 + nanoseconds / 1e6;
}
