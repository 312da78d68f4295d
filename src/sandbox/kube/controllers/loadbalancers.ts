import type { KubeApi } from "../api.js";
import { TimerController } from "./controller.js";

export interface LoadBalancerOptions {
  delayMs?: number;
}

export class LoadBalancerController extends TimerController {
  constructor(
    api: KubeApi,
    readonly options: LoadBalancerOptions,
  ) {
    super(api);
  }
}
