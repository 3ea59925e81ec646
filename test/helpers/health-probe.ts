import { setTimeout as sleep } from 'node:timers/promises';

export interface HealthProbe {
  /** Stops probing and returns every GET /health latency measured, in ms. */
  stop(): Promise<number[]>;
}

/**
 * Polls GET /health over real HTTP every `everyMs` until stopped: what another tenant's request
 * waits while the server is busy with someone else's work.
 */
export function probeHealth(baseUrl: string, everyMs = 50): HealthProbe {
  const latencies: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      const res = await fetch(`${baseUrl}/health`);
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`/health answered ${res.status}`);
      latencies.push(performance.now() - started);
      await sleep(everyMs);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return latencies;
    },
  };
}
