// A port whose implementation is loaded on its first call, by a dynamic import: a process that never
// uses it (an idle one, or a role that does not need it) never pays for loading its client library
// (@kubernetes/client-node alone is ~80 MB resident; bench/memory.bench.ts measures each).

/** Every member of a port is an async method, so a call can wait for the load. */
type AsyncMethods<T> = { [K in keyof T]: T[K] extends (...args: never[]) => Promise<unknown> ? T[K] : never };

export function lazyPort<T extends AsyncMethods<T>>(load: () => Promise<T>): T {
  let loading: Promise<T> | undefined;
  const impl = () => {
    loading ??= load();
    return loading;
  };
  return new Proxy({} as T, {
    get(_target, key) {
      if (key === "then") return undefined; // not a thenable: `await port` is the port itself
      return async (...args: unknown[]) => {
        const port = await impl();
        const member = (port as Record<PropertyKey, unknown>)[key];
        if (typeof member !== "function") throw new TypeError(`port has no method ${String(key)}`);
        return member.apply(port, args);
      };
    },
  });
}
