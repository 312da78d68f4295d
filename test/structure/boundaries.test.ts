import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

// The product (src/, what the image contains) never depends on the test hosts or the sandbox: they are
// workspace packages of their own (packages/test-hosts, packages/sandbox).
const root = resolve(import.meta.dirname, "../..");

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(".ts"))
    .map((e) => join(e.parentPath, e.name));
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/(?:from|import)\s*\(?\s*["']([^"']+)["']/g)].map((m) => m[1]!);
}

describe("package boundaries", () => {
  const files = tsFiles(join(root, "src"));

  it("finds the product's sources", () => {
    expect(files.length).toBeGreaterThan(100);
  });

  it("src imports neither the test hosts nor the sandbox, by name or by path", () => {
    const offending: string[] = [];
    for (const file of files) {
      for (const spec of importsOf(file)) {
        const byName = spec.startsWith("@hikkoshi/");
        const byPath = spec.startsWith(".") && !resolve(file, "..", spec).startsWith(join(root, "src"));
        if (byName || byPath) offending.push(`${relative(root, file)} imports ${spec}`);
      }
    }
    expect(offending).toEqual([]);
  });

  it("the test hosts do not import the product", () => {
    const offending: string[] = [];
    for (const file of tsFiles(join(root, "packages/test-hosts/src"))) {
      for (const spec of importsOf(file)) {
        if (
          spec.startsWith(".") &&
          !resolve(file, "..", spec).startsWith(join(root, "packages/test-hosts"))
        ) {
          offending.push(`${relative(root, file)} imports ${spec}`);
        }
      }
    }
    expect(offending).toEqual([]);
  });
});
