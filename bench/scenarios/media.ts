// Avatars from 12 MP photos: the time of one upload (decode, orient, crop,
// two WebP encodes, two objects written, the profile pointed at them), the
// uploads per second and the server's peak memory with 8 at once (decoding
// is limited to one image per core, so memory must stay flat), and GET
// /media/{key} from the filesystem driver. The face analysis each upload
// queues runs in the same server, as in production.
import autocannon from 'autocannon';
import sharp from 'sharp';
import { ACTIVITY_BENCH_ENV, createAccounts, SIGN_IN_BENCH_ENV, signIn } from '../accounts.ts';
import { summarize, timeEach } from '../report.ts';
import { rssMiB, startBenchServer, stopBenchServer } from '../server.ts';

const CONCURRENT = 8;

/** A 4000×3000 photo-like JPEG: noise over a gradient, so it does not compress to nothing. */
async function twelveMegapixels(): Promise<Buffer> {
  const width = 4000;
  const height = 3000;
  const noise = await sharp({
    create: {
      width,
      height,
      channels: 3 as const,
      background: '#000',
      noise: { type: 'gaussian' as const, mean: 128, sigma: 40 },
    },
  })
    .png()
    .toBuffer();
  return sharp({ create: { width, height, channels: 3, background: '#6a8fb3' } })
    .composite([{ input: noise, blend: 'overlay' }])
    .jpeg({ quality: 90 })
    .toBuffer();
}

const percentile = (sorted: number[], p: number) =>
  Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! * 10) / 10;

export async function media(): Promise<Record<string, unknown>> {
  const photo = await twelveMegapixels();
  const server = await startBenchServer({ ...SIGN_IN_BENCH_ENV, ...ACTIVITY_BENCH_ENV });
  const pid = server.process.pid!;
  try {
    const emails = await createAccounts(server.url, CONCURRENT);
    const tokens = await Promise.all(
      emails.map(async (email) => (await signIn(server.url, email)).accessToken),
    );
    let avatarUrl = '';
    const upload = async (token: string) => {
      const res = await fetch(`${server.url}/v1/me/avatar`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'image/jpeg' },
        body: photo,
      });
      if (res.status !== 200) throw new Error(`upload answered ${res.status}: ${await res.text()}`);
      // PUBLIC_URL names port 0 (the server picked its own): read it back on the real one.
      avatarUrl = `${server.url}${new URL(((await res.json()) as { avatarUrl: string }).avatarUrl).pathname}`;
    };

    // One at a time: the latency of a single upload.
    await upload(tokens[0]!);
    const times = (await timeEach(() => upload(tokens[0]!), { requests: 40, seconds: 60 })).sort(
      (a, b) => a - b,
    );

    // Eight at once for 20 s, sampling the server's memory.
    const idleRss = await rssMiB(pid);
    let peakRss = idleRss;
    const sampler = setInterval(() => {
      rssMiB(pid).then(
        (rss) => {
          peakRss = Math.max(peakRss, rss);
        },
        () => {},
      );
    }, 100);
    let done = 0;
    const end = performance.now() + 20_000;
    const started = performance.now();
    await Promise.all(
      tokens.map(async (token) => {
        while (performance.now() < end) {
          await upload(token);
          done++;
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    const afterRss = await rssMiB(pid);

    // The latest avatar, read back as browsers would.
    const served = await autocannon({ url: avatarUrl, connections: 50, duration: 10 });
    return {
      photoBytes: photo.length,
      singleUpload: { uploads: times.length, p50Ms: percentile(times, 50), p95Ms: percentile(times, 95) },
      concurrentUploads: {
        connections: CONCURRENT,
        uploads: done,
        uploadsPerSecond: Math.round((done / seconds) * 10) / 10,
        rssBeforeMiB: idleRss,
        peakRssMiB: peakRss,
        rssAfterMiB: afterRss,
      },
      getMedia: summarize(served, 50, 10),
    };
  } finally {
    await stopBenchServer(server);
  }
}
