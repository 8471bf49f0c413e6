// The slice of autocannon 9's programmatic API the benchmarks use (the package ships no types).
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';

  export type Options = {
    url: string;
    method?: 'GET' | 'POST' | 'HEAD' | 'DELETE' | 'PUT';
    headers?: Record<string, string>;
    body?: string;
    connections?: number;
    /** seconds */
    duration?: number;
    /** stop after this many responses in total, even before `duration` */
    maxOverallRequests?: number;
    /** seconds before a request counts as a timeout */
    timeout?: number;
    /** request sequence each connection loops over; setupRequest runs before every send */
    requests?: { setupRequest?(request: { headers?: Record<string, string> }): { headers?: Record<string, string> } }[];
  };

  export type Result = {
    duration: number;
    errors: number;
    timeouts: number;
    non2xx: number;
    requests: { total: number; average: number };
  };

  export type Instance = EventEmitter & PromiseLike<Result> & { stop(): void };

  function autocannon(opts: Options): Instance;
  export default autocannon;
}
