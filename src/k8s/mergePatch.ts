// JSON merge patch (RFC 7386), the one patch type hikkoshi writes: its content type, and the request
// options that make the typed APIs send it.

import { PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";

export const MERGE_PATCH: string = PatchStrategy.MergePatch;

export const mergePatch = setHeaderOptions("Content-Type", MERGE_PATCH);
