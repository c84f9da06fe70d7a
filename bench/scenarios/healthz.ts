// GET /healthz throughput: the floor cost of the HTTP stack (routing,
// security headers, request ids, metrics, serialization).
import autocannon from 'autocannon';
import { summarize } from '../report.ts';
import { startBenchServer, stopBenchServer } from '../server.ts';

export async function healthz(): Promise<Record<string, unknown>> {
  const server = await startBenchServer();
  try {
    // Warm-up, then the measured run; bounded in time, loopback only.
    await autocannon({ url: `${server.url}/healthz`, connections: 10, duration: 2 });
    const result = await autocannon({ url: `${server.url}/healthz`, connections: 50, duration: 10 });
    return summarize(result, 50, 10);
  } finally {
    await stopBenchServer(server);
  }
}
