import type { KubeApi } from "../api.js";
import { TimerController } from "./controller.js";

export interface WorkloadOptions {
  readyDelayMs?: number;
}

export class WorkloadController extends TimerController {
  constructor(
    api: KubeApi,
    readonly options: WorkloadOptions,
  ) {
    super(api);
  }
}
