import { type ChildProcess, spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));

export interface ChildBot {
  child: ChildProcess;
  /** The replica's lease owner name (also in the metadata of every live message it draws). */
  owner: string;
}

/** Starts test/support/botProcess.ts under tsx and resolves once the bot listens. */
export function startChildBot(options: object): Promise<ChildBot> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", join(here, "botProcess.ts"), JSON.stringify(options)],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("child bot did not start")), 60_000);
    let out = "";
    child.stdout?.on("data", (b: Buffer) => {
      out += b.toString();
      const m = /ready (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, owner: m[1]! });
      }
    });
    child.once("exit", (code) => reject(new Error(`child bot exited early (${code})`)));
  });
}
