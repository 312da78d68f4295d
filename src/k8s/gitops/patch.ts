// The field manager hikkoshi's own guard writes under (so managedFields tell its writes from the ones it
// reports).

export const GUARD_FIELD_MANAGER = "hikkoshi-guard";
