// Official schema models (kubernetes-models) per group/version/kind, used for server-side validation.

import { CustomResourceDefinition } from "kubernetes-models/apiextensions.k8s.io/v1/CustomResourceDefinition";
import { DaemonSet } from "kubernetes-models/apps/v1/DaemonSet";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { ReplicaSet } from "kubernetes-models/apps/v1/ReplicaSet";
import { StatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import { SelfSubjectAccessReview } from "kubernetes-models/authorization.k8s.io/v1/SelfSubjectAccessReview";
import { HorizontalPodAutoscaler as HpaV1 } from "kubernetes-models/autoscaling/v1/HorizontalPodAutoscaler";
import { HorizontalPodAutoscaler as HpaV2 } from "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler";
import { CronJob } from "kubernetes-models/batch/v1/CronJob";
import { Job } from "kubernetes-models/batch/v1/Job";
import { CronJob as CronJobV1beta1 } from "kubernetes-models/batch/v1beta1/CronJob";
import { Ingress } from "kubernetes-models/networking.k8s.io/v1/Ingress";
import { Ingress as IngressV1beta1 } from "kubernetes-models/networking.k8s.io/v1beta1/Ingress";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { PodDisruptionBudget as PdbV1beta1 } from "kubernetes-models/policy/v1beta1/PodDisruptionBudget";
import { PodSecurityPolicy } from "kubernetes-models/policy/v1beta1/PodSecurityPolicy";
import { StorageClass } from "kubernetes-models/storage.k8s.io/v1/StorageClass";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Event } from "kubernetes-models/v1/Event";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { Node } from "kubernetes-models/v1/Node";
import { PersistentVolume } from "kubernetes-models/v1/PersistentVolume";
import { PersistentVolumeClaim } from "kubernetes-models/v1/PersistentVolumeClaim";
import { Pod } from "kubernetes-models/v1/Pod";
import { Secret } from "kubernetes-models/v1/Secret";
import { Service } from "kubernetes-models/v1/Service";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";

export type ModelCtor = new (data?: never) => { validate(): void };

/** `apiVersion/Kind` → model class. */
export const MODELS: Readonly<Record<string, ModelCtor>> = {
  "v1/Namespace": Namespace,
  "v1/Node": Node,
  "v1/Pod": Pod,
  "v1/Service": Service,
  "v1/ConfigMap": ConfigMap,
  "v1/Secret": Secret,
  "v1/PersistentVolumeClaim": PersistentVolumeClaim,
  "v1/PersistentVolume": PersistentVolume,
  "v1/ServiceAccount": ServiceAccount,
  "v1/Event": Event,
  "apps/v1/Deployment": Deployment,
  "apps/v1/StatefulSet": StatefulSet,
  "apps/v1/DaemonSet": DaemonSet,
  "apps/v1/ReplicaSet": ReplicaSet,
  "batch/v1/CronJob": CronJob,
  "batch/v1beta1/CronJob": CronJobV1beta1,
  "batch/v1/Job": Job,
  "networking.k8s.io/v1/Ingress": Ingress,
  "networking.k8s.io/v1beta1/Ingress": IngressV1beta1,
  "policy/v1/PodDisruptionBudget": PodDisruptionBudget,
  "policy/v1beta1/PodDisruptionBudget": PdbV1beta1,
  "policy/v1beta1/PodSecurityPolicy": PodSecurityPolicy,
  "autoscaling/v2/HorizontalPodAutoscaler": HpaV2,
  "autoscaling/v1/HorizontalPodAutoscaler": HpaV1,
  "storage.k8s.io/v1/StorageClass": StorageClass,
  "apiextensions.k8s.io/v1/CustomResourceDefinition": CustomResourceDefinition,
  "authorization.k8s.io/v1/SelfSubjectAccessReview": SelfSubjectAccessReview,
};
