import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PublishEdition } from '../../src/editions/publish-edition.js';
import { EditionQueries } from '../../src/editions/edition-queries.js';
import { MemberDownload } from '../../src/bundles/member-download.js';
import { RetireBundles } from '../../src/bundles/retire-bundles.js';
import { BundleWorker } from '../../src/distribution/bundle-worker.js';
import { CLI_ACTOR } from '../../src/common/actor.js';
import { readBundleZip } from '../support/bundle-zip.js';
import { BundleStorage } from '../../src/bundles/storage/bundle-storage.js';
import { BundleObjectMissingError, S3BundleStorage } from '../../src/bundles/storage/s3-bundle-storage.js';
import { ConfigError, loadConfig } from '../../src/config/load-config.js';
import { ListsService } from '../../src/lists/lists.service.js';
import { RecipientsService } from '../../src/recipients/recipients.service.js';
import { grantConsent, insertConsentText, insertMember, insertNetwork, unique } from '../factories/factories.js';
import { ageDecrypt, ageKeygen, type AgeKey } from '../support/age-cli.js';
import { startS3Server, type S3Server } from '../support/s3-server.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

let s3: S3Server;
let storage: S3BundleStorage;

beforeAll(async () => {
  s3 = await startS3Server();
  storage = new S3BundleStorage(s3.storeConfig('unit/'));
});
afterAll(async () => {
  storage?.onModuleDestroy();
  await s3?.stop();
});

const key = () => `${randomUUID()}/${randomUUID()}.age`;

describe('S3 bundle storage against a real S3-compatible server', () => {
  it('stores the chunks as one object under the prefix, reads it back whole and deletes it', async () => {
    const k = key();
    const chunks = [Buffer.from('age-encryption.org/v1\n'), new Uint8Array([0, 1, 2, 255]), Buffer.alloc(300_000, 7)];
    await storage.put(k, chunks);
    expect(await s3.keys('unit/')).toContain(`unit/${k}`);
    expect(await storage.get(k)).toEqual(Buffer.concat(chunks));

    await storage.delete(k);
    expect(await s3.keys(`unit/${k}`)).toEqual([]);
    // Deleting what is already gone is not an error.
    await expect(storage.delete(k)).resolves.toBeUndefined();
  });

  it('replaces an object written twice to the same key (a rebuilt bundle)', async () => {
    const k = key();
    await storage.put(k, [Buffer.from('first build')]);
    await storage.put(k, [Buffer.from('second')]);
    expect((await storage.get(k)).toString()).toBe('second');
    expect(await s3.keys(`unit/${k}`)).toEqual([`unit/${k}`]);
  });

  it('fails a read of a missing object with an error that names the key and nothing else', async () => {
    const k = key();
    const error = await storage.get(k).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BundleObjectMissingError);
    expect(error).toMatchObject({ code: 'BUNDLE_OBJECT_MISSING', key: k, message: `bundle object ${k} is missing from the object store` });
  });

  it('refuses keys that are not made of ids, before any request', async () => {
    for (const bad of ['../escape.age', 'Member Name.age', 'a//b.age', 'a/b.zip']) {
      await expect(storage.put(bad, [Buffer.from('x')])).rejects.toThrow('invalid storage key');
      await expect(storage.get(bad)).rejects.toThrow('invalid storage key');
    }
    expect((await s3.keys('unit/')).filter((k) => !/^unit\/[0-9a-f-]{36}\/[0-9a-f-]{36}\.age$/.test(k))).toEqual([]);
  });

  it('has no temporaries to clean: an upload that did not finish leaves no object', async () => {
    await expect(storage.removeStaleTemporaries()).resolves.toBe(0);
  });

  it('reports a store that cannot be reached as an error, not as a missing object', async () => {
    const offline = new S3BundleStorage({ ...s3.storeConfig(), endpoint: 'http://127.0.0.1:9', bucket: 'nowhere' });
    try {
      const error = await offline.get(key()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      expect(error).not.toBeInstanceOf(BundleObjectMissingError);
    } finally {
      offline.onModuleDestroy();
    }
  });
});

describe('BUNDLE_STORE configuration', () => {
  const problems = (env: Record<string, string>) => {
    try {
      loadConfig(env);
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
    return [];
  };

  it('keeps bundles in the local folder by default', () => {
    expect(loadConfig({})).toMatchObject({ bundleStore: 'local', s3: undefined });
  });

  it('refuses to boot with BUNDLE_STORE=s3 and no bucket, or with half a key pair, naming each key', () => {
    expect(problems({ BUNDLE_STORE: 's3' })).toEqual([{ key: 'S3_BUCKET', problem: 'is required when BUNDLE_STORE is s3' }]);
    expect(problems({ BUNDLE_STORE: 's3', S3_BUCKET: 'bundles', S3_ACCESS_KEY_ID: 'id' }).map((p) => p.key)).toEqual(['S3_SECRET_ACCESS_KEY']);
    expect(problems({ BUNDLE_STORE: 's3', S3_BUCKET: 'bundles', S3_ENDPOINT: 'http://minio:9000' }).map((p) => p.key).sort()).toEqual(['S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY']);
  });

  it('lists bad S3 values together with other bad keys and never prints the secret key', () => {
    const found = problems({ PORT: 'eighty', BUNDLE_STORE: 's3', S3_BUCKET: 'Not_A_Bucket', S3_ENDPOINT: 'ftp://x', S3_PREFIX: '../up', S3_ACCESS_KEY_ID: 'id', S3_SECRET_ACCESS_KEY: 'hunter2-very-secret' });
    expect(found.map((p) => p.key).sort()).toEqual(['PORT', 'S3_BUCKET', 'S3_ENDPOINT', 'S3_PREFIX']);
    expect(JSON.stringify(found)).not.toContain('hunter2');
    expect(problems({ BUNDLE_STORE: 'ftp' }).map((p) => p.key)).toEqual(['BUNDLE_STORE']);
  });

  it('reads a complete S3 set-up, path-style by default when an endpoint is given', () => {
    const config = loadConfig({ BUNDLE_STORE: 's3', S3_ENDPOINT: 'http://minio:9000', S3_BUCKET: 'bundles', S3_ACCESS_KEY_ID: 'id', S3_SECRET_ACCESS_KEY: 'secret', S3_PREFIX: 'prod/eu' });
    expect(config.s3).toEqual({
      endpoint: 'http://minio:9000',
      region: 'us-east-1',
      bucket: 'bundles',
      credentials: { accessKeyId: 'id', secretAccessKey: 'secret' },
      forcePathStyle: true,
      prefix: 'prod/eu/',
    });
    // On AWS itself: virtual-hosted style, and the SDK's own credential chain (an instance role).
    expect(loadConfig({ BUNDLE_STORE: 's3', S3_BUCKET: 'bundles', S3_REGION: 'eu-north-1' }).s3).toMatchObject({ endpoint: undefined, credentials: undefined, forcePathStyle: false, region: 'eu-north-1' });
  });
});

describe('a distribution run with BUNDLE_STORE=s3', () => {
  let t: TestApp;
  let keysDir: string;

  beforeAll(async () => {
    t = await startTestApp({ ...s3.env, S3_PREFIX: 'run' });
    keysDir = await mkdtemp(join(tmpdir(), 'lb-s3-keys-'));
  });
  afterAll(async () => {
    await t?.close();
    await rm(keysDir, { recursive: true, force: true });
  });

  it('builds one object per bundle in the bucket, none on disk, and each opens with the age CLI', async () => {
    expect(t.app.get(BundleStorage)).toBeInstanceOf(S3BundleStorage);
    const networkId = (await insertNetwork(t.app)).id;
    await insertConsentText(t.app, networkId);
    const members: { id: string; name: string; key: AgeKey }[] = [];
    for (let i = 0; i < 4; i++) {
      const name = `Ø3 Medlem ${unique()}`;
      const member = await insertMember(t.app, networkId, { name });
      await grantConsent(t.app, networkId, member.id, ['name', 'email']);
      const key = await ageKeygen(keysDir, unique());
      await t.app.get(RecipientsService).add(CLI_ACTOR, member.id, key.recipient);
      members.push({ id: member.id, name, key });
    }
    const list = await t.app.get(ListsService).create(CLI_ACTOR, networkId, { slug: `s3-${unique()}`, title: 'Kontaktliste', columns: ['name', 'email'] });
    const { edition } = await t.app.get(PublishEdition).publish(CLI_ACTOR, list.id);
    await t.app.get(BundleWorker).drain();
    expect((await t.app.get(EditionQueries).show(CLI_ACTOR, edition.id)).state).toBe('published');

    const rows: { id: string; member_id: string; state: string; storage_key: string; sha256: string }[] = await t.dataSource.query(
      `SELECT id, member_id, state, storage_key, sha256 FROM bundle WHERE edition_id = $1`,
      [edition.id],
    );
    expect(rows.map((r) => r.state)).toEqual(['ready', 'ready', 'ready', 'ready']);
    expect((await s3.keys(`run/${edition.id}/`)).sort()).toEqual(rows.map((r) => `run/${r.storage_key}`).sort());
    expect(rows.every((r) => /^[0-9a-f-]{36}\/[0-9a-f-]{36}-\d+\.age$/.test(r.storage_key) && r.storage_key.startsWith(`${edition.id}/${r.id}-`))).toBe(true);
    await expect(readdir(join(t.dataDir, 'bundles'))).rejects.toMatchObject({ code: 'ENOENT' });

    for (const member of members) {
      const row = rows.find((r) => r.member_id === member.id)!;
      // Straight from the bucket, as an operator with the store's credentials would see it: ciphertext.
      const object = await s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: `run/${row.storage_key}` }));
      const stored = Buffer.from(await object.Body!.transformToByteArray());
      expect(stored.toString('latin1')).not.toContain(member.name);
      expect(createHash('sha256').update(stored).digest('hex')).toBe(row.sha256);
      const files = readBundleZip(await ageDecrypt(stored, member.key.identityFile, keysDir));
      expect(JSON.parse(files.get('manifest.json')!.toString('utf8'))).toMatchObject({ editionId: edition.id, bundleId: row.id, recipientId: member.id });
      // And through the service, as the portal and the CLI read it.
      expect((await t.app.get(MemberDownload).encryptedFile(edition.id, member.id)).data).toEqual(stored);
    }
  });

  it('deletes the objects of expired bundles from the bucket and keeps the rows', async () => {
    const networkId = (await insertNetwork(t.app)).id;
    await insertConsentText(t.app, networkId);
    const member = await insertMember(t.app, networkId);
    await grantConsent(t.app, networkId, member.id, ['name']);
    await t.app.get(RecipientsService).add(CLI_ACTOR, member.id, (await ageKeygen(keysDir, unique())).recipient);
    const list = await t.app.get(ListsService).create(CLI_ACTOR, networkId, { slug: `s3-${unique()}`, title: 'Kontaktliste', columns: ['name'] });
    const { edition } = await t.app.get(PublishEdition).publish(CLI_ACTOR, list.id);
    await t.app.get(BundleWorker).drain();
    expect(await s3.keys(`run/${edition.id}/`)).toHaveLength(1);

    await t.dataSource.query(`UPDATE bundle SET expires_at = now() - interval '1 minute' WHERE edition_id = $1`, [edition.id]);
    expect(await t.app.get(RetireBundles).expireDue()).toBe(1);
    expect(await s3.keys(`run/${edition.id}/`)).toEqual([]);
    const [row] = await t.dataSource.query(`SELECT state FROM bundle WHERE edition_id = $1`, [edition.id]);
    expect(row.state).toBe('expired');
  });
});
