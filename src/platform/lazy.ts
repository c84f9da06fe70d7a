// An object made on first use: for adapters that open connections (Redis,
// SMTP), so composing the whole service costs nothing a caller does not use.
// Methods are bound to the real object; properties are read from it.

/** Stands in for `make()`'s result, calling `make` once, at the first property read. */
export function lazy<T extends object>(make: () => T): T {
  let made: T | undefined;
  const target = () => {
    made ??= make();
    return made;
  };
  return new Proxy({} as T, {
    get(_, property) {
      const real = target();
      const value = Reflect.get(real, property, real);
      return typeof value === 'function' ? value.bind(real) : value;
    },
    has: (_, property) => Reflect.has(target(), property),
  });
}
