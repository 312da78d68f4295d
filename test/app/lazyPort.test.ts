import { describe, expect, it } from "vitest";
import { lazyPort } from "../../src/app/lazyPort.js";

interface Greeter {
  greet(name: string): Promise<string>;
  fail(): Promise<never>;
}

describe("lazyPort", () => {
  it("loads the implementation on the first call, once, and forwards arguments and results", async () => {
    let loads = 0;
    const port = lazyPort<Greeter>(async () => {
      loads++;
      return {
        prefix: "hello",
        async greet(name: string) {
          return `${this.prefix} ${name}`;
        },
        async fail(): Promise<never> {
          throw new Error("refused");
        },
      } as Greeter & { prefix: string };
    });
    expect(loads).toBe(0);
    expect(await Promise.all([port.greet("a"), port.greet("b")])).toEqual(["hello a", "hello b"]);
    await expect(port.fail()).rejects.toThrow("refused");
    expect(loads).toBe(1);
  });

  it("is not a thenable, so awaiting the port does not load it", async () => {
    let loads = 0;
    const port = lazyPort<Greeter>(async () => {
      loads++;
      return { greet: async (n: string) => n, fail: async () => Promise.reject(new Error("x")) };
    });
    expect(await port).toBe(port);
    expect(loads).toBe(0);
  });

  it("a failed load fails the call with the loader's error", async () => {
    const port = lazyPort<Greeter>(async () => {
      throw new Error("cannot load @kubernetes/client-node");
    });
    await expect(port.greet("a")).rejects.toThrow("cannot load @kubernetes/client-node");
  });
});
