// mongod's query limits, as server parameters of the same names (readable with getParameter,
// settable with setParameter, so a test can lower a 100 MB limit instead of loading 100 MB).
export interface QueryLimits {
  /** internalQueryMaxBlockingSortMemoryUsageBytes: a blocking sort with allowDiskUse: false. */
  internalQueryMaxBlockingSortMemoryUsageBytes: number;
  /** internalDocumentSourceGroupMaxMemoryBytes: $group with allowDiskUse: false. */
  internalDocumentSourceGroupMaxMemoryBytes: number;
  /** internalPipelineLengthLimit: stages in one pipeline (each nested pipeline counted alone). */
  internalPipelineLengthLimit: number;
}

export function defaultQueryLimits(): QueryLimits {
  return {
    internalQueryMaxBlockingSortMemoryUsageBytes: 100 * 1024 * 1024,
    internalDocumentSourceGroupMaxMemoryBytes: 100 * 1024 * 1024,
    internalPipelineLengthLimit: 1000,
  };
}

export function isQueryLimit(name: string): name is keyof QueryLimits {
  return Object.hasOwn(defaultQueryLimits(), name);
}
