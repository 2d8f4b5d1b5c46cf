/**
 * The part of autocannon 8's programmatic API the bench uses. autocannon ships no types and we
 * do not depend on @types/autocannon; see node_modules/autocannon/README.md, "API".
 */
declare module "autocannon" {
  import type { EventEmitter } from "node:events";

  namespace autocannon {
    /** One request of the sequence each connection loops over. */
    interface Request {
      method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD" | "OPTIONS";
      path?: string;
      headers?: Record<string, string>;
      body?: string | Buffer;
      /**
       * Called before every send with a fresh copy of the request (its `headers` object is a new
       * one each time) and the connection's context; return the request to send.
       */
      setupRequest?: (request: Request, context: Record<string, unknown>) => Request;
      /** Called with every response to this request, with the same context as setupRequest. */
      onResponse?: (status: number, body: string, context: Record<string, unknown>, headers: Record<string, string | string[]>) => void;
    }

    interface Options {
      url: string;
      /** Concurrent connections; default 10. */
      connections?: number;
      /** Seconds; default 10. */
      duration?: number;
      /** Milliseconds between samples, which is also how soon the end of `duration` is noticed; default 1000. */
      sampleInt?: number;
      /** Seconds to wait for a response; default 10. */
      timeout?: number;
      method?: Request["method"];
      headers?: Record<string, string>;
      body?: string | Buffer;
      requests?: Request[];
    }

    /** hdr-histogram-percentiles-obj summary. autocannon records latency in whole milliseconds. */
    interface Histogram {
      average: number;
      mean: number;
      stddev: number;
      min: number;
      max: number;
      total: number;
      p50: number;
      p90: number;
      p99: number;
    }

    interface Result {
      /** Seconds, two decimals. */
      duration: number;
      /** Connection errors, including timeouts. */
      errors: number;
      timeouts: number;
      non2xx: number;
      "2xx": number;
      statusCodeStats: Record<string, { count: number }>;
      latency: Histogram;
      /** Per-sample request counts; `total` is the number of completed responses. */
      requests: Histogram & { sent: number };
    }

    interface Instance extends EventEmitter {
      on(event: "response", listener: (client: unknown, statusCode: number, resBytes: number, responseTimeMs: number) => void): this;
      on(event: string, listener: (...args: unknown[]) => void): this;
      stop(): void;
    }
  }

  function autocannon(options: autocannon.Options, callback: (err: Error | null, result: autocannon.Result) => void): autocannon.Instance;

  export default autocannon;
}
