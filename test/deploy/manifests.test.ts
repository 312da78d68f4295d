import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { Service } from "kubernetes-models/v1/Service";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";

const DIR = "deploy/kubernetes";
const docs = readdirSync(DIR)
  .filter((f) => f.endsWith(".yaml") && f !== "kustomization.yaml")
  .flatMap((f) =>
    parseAllDocuments(readFileSync(join(DIR, f), "utf8")).map((d) => ({
      file: f,
      obj: d.toJS() as { kind: string },
    })),
  );

describe("deploy/kubernetes", () => {
  it("every manifest is a valid object of its kind", () => {
    expect(docs.length).toBeGreaterThanOrEqual(4);
    for (const { file, obj } of docs) {
      const model =
        obj.kind === "Deployment"
          ? new Deployment(obj as never)
          : obj.kind === "Service"
            ? new Service(obj as never)
            : obj.kind === "Namespace"
              ? new Namespace(obj as never)
              : undefined;
      expect(model, `${file}: unexpected kind ${obj.kind}`).toBeDefined();
      expect(() => model!.validate(), file).not.toThrow();
    }
  });

  it("sets only variables that .env.example documents, and a role per Deployment", () => {
    const documented = new Set(
      readFileSync(".env.example", "utf8")
        .split("\n")
        .filter((l) => /^[A-Z_]+=/.test(l))
        .map((l) => l.split("=")[0]),
    );
    for (const { obj } of docs.filter((d) => d.obj.kind === "Deployment")) {
      const container = (
        obj as unknown as {
          spec: {
            template: { spec: { containers: Array<{ env: Array<{ name: string; value?: string }> }> } };
          };
        }
      ).spec.template.spec.containers[0]!;
      for (const e of container.env) expect(documented.has(e.name), e.name).toBe(true);
      expect(["bot", "worker"]).toContain(container.env.find((e) => e.name === "HIKKOSHI_ROLE")?.value);
    }
  });
});
