import type { KubeApi } from "../api.js";
import { TimerController } from "./controller.js";

export interface CronJobEvent {
  host: string;
  namespace: string;
  cronJob: string;
  job: string;
  scheduledTime: string;
  actualTime: number;
}

export interface CronJobControllerOptions {
  tickMs?: number;
  jobDurationMs?: number;
}

export class CronJobController extends TimerController {
  readonly events: CronJobEvent[] = [];
  constructor(
    api: KubeApi,
    readonly hostName: string,
    readonly options: CronJobControllerOptions,
  ) {
    super(api);
  }
}
