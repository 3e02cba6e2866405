/** Strings of the lifecycle page (owned by its module): same keys in both languages. */
export const lifecycleEn: Record<string, string> = {};
export const lifecycleZh: Record<string, string> = {};
