import type { KubeApi } from "../api.js";
import { TimerController } from "../controllers/controller.js";
import type { ObjectAccess } from "../fixtures.js";

export interface VeleroHostOptions {
  installed?: boolean;
}

export function installVelero(_objects: ObjectAccess, _opts: VeleroHostOptions): void {}

export class VeleroHost extends TimerController {
  constructor(
    api: KubeApi,
    readonly hostName: string,
    readonly options: VeleroHostOptions,
  ) {
    super(api);
  }
}
