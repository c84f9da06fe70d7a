// Route schemas compiled when first used, not at start-up. Compiling every
// route's request validators and response serializers took about a third
// of the time to the first /healthz, and most routes wait long for their
// first request; each then compiles once, in a few milliseconds.
// compileAll() compiles everything at once: a test does, so a schema that
// does not compile fails the suite instead of a route's first request.
import { type SerializerFactory, SerializerSelector } from '@fastify/fast-json-stringify-compiler';

export interface DeferredCompiles {
  /** A getter that builds `build()` on its first call (or on compileAll), then returns it. */
  lazy<T>(build: () => T): () => T;
  /** Builds everything still waiting now. */
  compileAll(): void;
  /** Fastify's serializer factory (fast-json-stringify), deferred. */
  serializerFactory: SerializerFactory;
}

export function deferredCompiles(): DeferredCompiles {
  const pending = new Set<() => unknown>();
  const selector = SerializerSelector();
  const compiles: DeferredCompiles = {
    lazy<T>(build: () => T): () => T {
      let built: { value: T } | undefined;
      const get = (): T => {
        if (!built) {
          built = { value: build() };
          pending.delete(get);
        }
        return built.value;
      };
      pending.add(get);
      return get;
    },
    compileAll() {
      for (const get of [...pending]) get();
    },
    serializerFactory(externalSchemas, options) {
      const compile = selector(externalSchemas, options);
      return (route) => {
        const serializer = compiles.lazy(() => compile(route));
        return (data) => serializer()(data);
      };
    },
  };
  return compiles;
}
