// A blob store made on first use. The S3 driver pulls in the AWS SDK (about
// 100 ms and 35 MB at start-up); a node whose storage is S3 pays that on its
// first media request instead, and a filesystem node never does.
import type { BlobStore } from './blob-store.ts';

export function deferredBlobStore(driver: BlobStore['driver'], make: () => Promise<BlobStore>): BlobStore {
  let made: Promise<BlobStore> | undefined;
  const store = () => {
    made ??= make().catch((error: unknown) => {
      made = undefined;
      throw error;
    });
    return made;
  };
  return {
    driver,
    put: async (key, body, options) => (await store()).put(key, body, options),
    get: async (key, range) => (await store()).get(key, range),
    head: async (key) => (await store()).head(key),
    delete: async (key) => (await store()).delete(key),
    list: async (prefix, limit) => (await store()).list(prefix, limit),
    presignPut: async (key, options) => (await store()).presignPut(key, options),
    presignGet: async (key, options) => (await store()).presignGet(key, options),
    async close() {
      if (made) await (await made).close();
    },
  };
}
