import type { ChildProcess } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startTsxChild } from "./tsxChild.js";

const here = dirname(fileURLToPath(import.meta.url));

/** Starts test/support/workerProcess.ts under tsx and resolves once its worker is running. */
export async function startChildWorker(options: object): Promise<ChildProcess> {
  const { child, ready } = startTsxChild(join(here, "workerProcess.ts"), options, {
    readyLine: /ready/,
    what: "child worker",
    timeoutMs: 30_000,
  });
  await ready;
  return child;
}

export function killHard(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}
