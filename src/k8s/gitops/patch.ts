// Request options shared by the GitOps writes: JSON merge patch, and the field manager hikkoshi's own
// guard writes under (so managedFields tell its writes from the ones it reports).

import { PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";

export const mergePatch = setHeaderOptions("Content-Type", PatchStrategy.MergePatch);

export const GUARD_FIELD_MANAGER = "hikkoshi-guard";
