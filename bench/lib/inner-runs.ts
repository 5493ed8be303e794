/**
 * The timed full runs of one benchmark process (bench/peers/node.ts, s3.ts; python_peer.py does the same):
 * up to BENCH_INNER_RUNS runs (8), fewer once they add up to BENCH_INNER_BUDGET_MS (10 s). The best is the
 * warm run time the targets speak of; the first is reported apart, as it still pays for what the JIT had
 * not compiled after the short warm-up.
 */
export async function timedRuns<T>(run: () => Promise<T>): Promise<{ result: T; runMs: number; firstRunMs: number; innerRuns: number }> {
  const most = Math.max(1, Number(process.env.BENCH_INNER_RUNS ?? 8));
  const budgetMs = Number(process.env.BENCH_INNER_BUDGET_MS ?? 10_000);
  const times: number[] = [];
  let result: T | undefined;
  while (times.length < most && (times.length === 0 || times.reduce((a, b) => a + b, 0) < budgetMs)) {
    const t0 = performance.now();
    result = await run();
    times.push(performance.now() - t0);
  }
  return { result: result as T, runMs: Math.min(...times), firstRunMs: times[0]!, innerRuns: times.length };
}
