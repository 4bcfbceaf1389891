import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { S3StoreConfig } from '../../src/config/app-config.js';

/** s3rver's fixed account. It does not verify SigV4 signatures, so these prove no authentication. */
const ACCESS_KEY_ID = 'S3RVER';
const SECRET_ACCESS_KEY = 'S3RVER';
const REGION = 'us-east-1';

export interface S3ServerOptions {
  bucket?: string;
  /**
   * Answer every upload (PUT) only after this long, as a distant or busy store would: it puts a
   * lower bound on how long a batch of bundles takes to store, whatever the machine's speed.
   * Reads, deletes and listings are not delayed. Default 0 (no proxy).
   */
  putDelayMs?: number;
}

export interface S3Server {
  /** `http://127.0.0.1:<port>`, for S3_ENDPOINT (the delaying proxy when putDelayMs is set). */
  endpoint: string;
  bucket: string;
  /** The environment that points the service at this store (BUNDLE_STORE=s3 and the S3_* keys). */
  env: Record<string, string>;
  /** What S3BundleStorage takes, for constructing one directly. */
  storeConfig(prefix?: string): S3StoreConfig;
  /** A client of its own, to look into the bucket behind the service's back. */
  client: S3Client;
  /** Every key in the bucket (under a prefix), read with ListObjectsV2 page by page. */
  keys(prefix?: string): Promise<string[]>;
  stop(): Promise<void>;
}

/**
 * A real S3-compatible HTTP server on this machine: s3rver (npm), run as its own process on a free
 * loopback port with a fresh directory, one bucket created through the S3 API. It speaks S3's REST
 * API over HTTP (PutObject, GetObject, DeleteObject, ListObjectsV2, NoSuchKey errors) and keeps
 * objects as files under the directory.
 */
export async function startS3Server({ bucket = 'listebud-test', putDelayMs = 0 }: S3ServerOptions = {}): Promise<S3Server> {
  const directory = await mkdtemp(join(tmpdir(), 'lb-s3-'));
  const bin = join(dirname(createRequire(import.meta.url).resolve('s3rver/package.json')), 'bin', 's3rver.js');
  const child = spawn(process.execPath, [bin, '--directory', directory, '--address', '127.0.0.1', '--port', '0', '--silent', '--no-vhost-buckets'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let port: number;
  try {
    port = await listeningPort(child);
  } catch (error) {
    child.kill('SIGKILL');
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
  const direct = `http://127.0.0.1:${port}`;
  const proxy = putDelayMs > 0 ? await delayingProxy(port, putDelayMs) : undefined;
  const endpoint = proxy ? `http://127.0.0.1:${(proxy.address() as AddressInfo).port}` : direct;
  const client = new S3Client({
    region: REGION,
    endpoint: direct,
    forcePathStyle: true,
    credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // A test process that exits without its afterAll (process.exit in a failing boot) takes the server along.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  return {
    endpoint,
    bucket,
    env: {
      BUNDLE_STORE: 's3',
      S3_ENDPOINT: endpoint,
      S3_REGION: REGION,
      S3_BUCKET: bucket,
      S3_ACCESS_KEY_ID: ACCESS_KEY_ID,
      S3_SECRET_ACCESS_KEY: SECRET_ACCESS_KEY,
    },
    storeConfig: (prefix = '') => ({
      endpoint,
      region: REGION,
      bucket,
      credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY },
      forcePathStyle: true,
      prefix,
    }),
    client,
    async keys(prefix) {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
        keys.push(...(page.Contents ?? []).map((o) => o.Key!));
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return keys;
    },
    async stop() {
      process.off('exit', killOnExit);
      client.destroy();
      if (proxy) {
        proxy.closeAllConnections();
        await new Promise<void>((resolve) => proxy.close(() => resolve()));
      }
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** s3rver prints "S3rver listening on <address>:<port>" once it accepts connections. */
function listeningPort(child: ChildProcess, timeoutMs = 20_000): Promise<number> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`s3rver did not start: ${output}`)), timeoutMs);
    const onData = (d: Buffer) => {
      output += d;
      const match = /listening on [^\s]+:(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        child.stdout!.resume();
        resolve(Number(match[1]));
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d: Buffer) => (output += d));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`s3rver exited with ${code}: ${output}`));
    });
  });
}

/** An HTTP proxy on a free loopback port that holds each PUT for `delayMs`, then passes it on unchanged. */
async function delayingProxy(upstreamPort: number, delayMs: number): Promise<Server> {
  const server = createServer((req, res) => {
    const forward = () => {
      const upstream = request({ host: '127.0.0.1', port: upstreamPort, method: req.method, path: req.url, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    };
    if (req.method === 'PUT') setTimeout(forward, delayMs);
    else forward();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return server;
}
