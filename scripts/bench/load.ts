/**
 * One timed load run with autocannon, measured to the microsecond.
 *
 * autocannon's own latency histogram keeps whole milliseconds only, which on loopback (where a
 * request takes around a millisecond) would turn every percentile into 0, 1 or 2. So the run
 * listens to every response's exact time (`response` event, float milliseconds) and computes
 * the percentiles from those; autocannon's rounded ones are kept in the raw results.
 */
import autocannon from "autocannon";

export interface LoadSettings {
  /** Measured seconds. */
  seconds: number;
  connections: number;
}

export interface LoadTarget {
  url: URL;
  /** The request every connection sends in a loop (method, headers, body, setupRequest …). */
  request?: autocannon.Request;
}

export interface Percentiles {
  p50: number;
  p90: number;
  p99: number;
  mean: number;
  max: number;
}

export interface LoadResult {
  method: string;
  path: string;
  seconds: number;
  connections: number;
  /** Wall time of the run, seconds (autocannon's). */
  durationS: number;
  /** Responses received, any status. */
  responses: number;
  /** Responses per second. */
  rps: number;
  /** Exact latency of every response, milliseconds. */
  latencyMs: Percentiles;
  /** autocannon's own percentiles (whole milliseconds), for reference. */
  autocannonLatencyMs: { p50: number; p90: number; p99: number };
  statusCodes: Record<string, number>;
  ok2xx: number;
  non2xx: number;
  /** Connection errors, including timeouts. */
  errors: number;
  timeouts: number;
  /** (non-2xx + errors) / (responses + errors). */
  failureRate: number;
}

/** Nearest-rank percentile of an ascending array. */
function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Runs `target` for `settings.seconds` with `settings.connections` connections. */
export function runLoad(target: LoadTarget, settings: LoadSettings): Promise<LoadResult> {
  const latencies: number[] = [];
  return new Promise<LoadResult>((resolve, reject) => {
    const instance = autocannon(
      {
        url: target.url.href,
        connections: settings.connections,
        duration: settings.seconds,
        // Notice the end of `duration` within 100 ms instead of up to a second.
        sampleInt: 100,
        timeout: 10,
        requests: [target.request ?? {}],
      },
      (err, result) => {
        if (err) return reject(err);
        const sorted = Float64Array.from(latencies).sort();
        const sum = latencies.reduce((a, b) => a + b, 0);
        const statusCodes = Object.fromEntries(
          Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, Number(count)]),
        );
        const responses = latencies.length;
        const ok2xx = Object.entries(statusCodes)
          .filter(([code]) => code.startsWith("2"))
          .reduce((n, [, count]) => n + count, 0);
        const non2xx = responses - ok2xx;
        resolve({
          method: target.request?.method ?? "GET",
          path: target.url.pathname,
          seconds: settings.seconds,
          connections: settings.connections,
          durationS: result.duration,
          responses,
          rps: result.duration > 0 ? responses / result.duration : 0,
          latencyMs: {
            p50: percentile(sorted, 50),
            p90: percentile(sorted, 90),
            p99: percentile(sorted, 99),
            mean: responses > 0 ? sum / responses : Number.NaN,
            max: sorted[sorted.length - 1] ?? Number.NaN,
          },
          autocannonLatencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99 },
          statusCodes,
          ok2xx,
          non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
          failureRate: responses + result.errors > 0 ? (non2xx + result.errors) / (responses + result.errors) : 1,
        });
      },
    );
    instance.on("response", (_client, _status, _bytes, responseTimeMs) => {
      latencies.push(responseTimeMs);
    });
  });
}

/** A warm-up run that is thrown away, then the measured run. */
export async function measure(target: LoadTarget, settings: LoadSettings, warmupSeconds: number): Promise<{ warmup: LoadResult; result: LoadResult }> {
  const warmup = await runLoad(target, { ...settings, seconds: warmupSeconds });
  const result = await runLoad(target, settings);
  return { warmup, result };
}
