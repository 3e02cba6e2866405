/** Strings of the segments page and segment labels: same keys in both languages. */
export const segmentsEn: Record<string, string> = {};
export const segmentsZh: Record<string, string> = {};
