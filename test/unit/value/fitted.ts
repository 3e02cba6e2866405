/**
 * Parameters for the value models that a fit normally supplies (published CDNOW fits, fixed
 * centroids), for tests that run every registered model without the worker.
 */
const BG = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

export const FITTED: Record<string, object> = {
  alive: { fit: BG },
  clv: { fit: { bg: BG, gg: { p: 6.25, q: 3.74, gamma: 15.44 } }, months: 2 },
  persona: {
    k: 2,
    means: [2, 1, 4, 30, 1],
    sds: [1, 0.5, 1, 20, 0],
    centroids: [
      [-1, 1, 1, 0, 0],
      [1, -1, -1, 0, 0],
    ],
  },
};

/** The model's defaults with fitted numbers where the model needs them. */
export function runnableParams<P>(id: string, defaults: P): P {
  return { ...(defaults as object), ...(FITTED[id] ?? {}) } as P;
}
