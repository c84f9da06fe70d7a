// A real S3-compatible server for the storage tests: s3rver on 127.0.0.1, an
// ephemeral port, its files in a temporary directory, one fresh bucket.
//
// It runs in a child process with OpenSSL's legacy provider: s3rver makes
// ListObjectsV2 continuation tokens with DES, which OpenSSL 3 no longer offers
// by default, so every truncated listing (MaxKeys below the count) would be a
// 500. The child also keeps s3rver's process-wide logger and exception hooks
// out of the test process. s3rver ships no types; only this script touches it.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const SERVER_SCRIPT = `
const [modulePath, directory, bucket] = process.argv.slice(-3);
const S3rver = require(modulePath);
const server = new S3rver({ address: '127.0.0.1', port: 0, directory, silent: true, configureBuckets: [{ name: bucket }] });
server.run().then(
  (address) => process.stdout.write(JSON.stringify({ port: address.port }) + '\\n'),
  (error) => { console.error(error); process.exit(1); },
);
// The parent closing stdin (or dying) stops the server.
process.stdin.on('end', () => process.exit(0)).resume();
`;

export interface TestS3Server {
  /** `http://127.0.0.1:<port>`: path-style only (no bucket subdomains on an IP). */
  readonly endpoint: string;
  readonly bucket: string;
  /** The STORAGE_URL that points Roster at this server. */
  readonly storageUrl: string;
  /** s3rver's one built-in account. */
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  stop(): Promise<void>;
}

async function firstLine(child: ChildProcess): Promise<string> {
  const lines = createInterface({ input: child.stdout! });
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`s3rver exited with code ${code} before it listened`);
  });
  try {
    return await Promise.race([once(lines, 'line').then(([line]) => String(line)), exited]);
  } finally {
    lines.close();
  }
}

export async function startS3Server(): Promise<TestS3Server> {
  const directory = await mkdtemp(join(tmpdir(), 'roster-s3-'));
  const bucket = `roster-test-${randomUUID().slice(0, 8)}`;
  const modulePath = createRequire(import.meta.url).resolve('s3rver');
  const child = spawn(
    process.execPath,
    ['--openssl-legacy-provider', '-e', SERVER_SCRIPT, modulePath, directory, bucket],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.stdin!.end();
      await exited;
    }
    await rm(directory, { recursive: true, force: true });
  };
  let port: number;
  try {
    port = (JSON.parse(await firstLine(child)) as { port: number }).port;
  } catch (error) {
    child.kill();
    await stop();
    throw error;
  }
  const endpoint = `http://127.0.0.1:${port}`;
  const query = new URLSearchParams({ endpoint, region: 'us-east-1', forcePathStyle: 'true' });
  return {
    endpoint,
    bucket,
    storageUrl: `s3://${bucket}?${query}`,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    stop,
  };
}
