// May hikkoshi's identity do this on that cluster? One SelfSubjectAccessReview, through the cluster's
// call policy (used by the access probe and the GitOps probe).

import type { V1ResourceAttributes } from "@kubernetes/client-node";
import type { ClusterClient } from "../clusterRegistry.js";

export async function selfAllowed(client: ClusterClient, attributes: V1ResourceAttributes): Promise<boolean> {
  const review = await client.policy.call(`${client.name}: selfsubjectaccessreview`, () =>
    client.authz.createSelfSubjectAccessReview({
      body: {
        apiVersion: "authorization.k8s.io/v1",
        kind: "SelfSubjectAccessReview",
        spec: { resourceAttributes: attributes },
      },
    }),
  );
  return review.status?.allowed === true;
}
