/** Strings of the Behaviour page (行为分析) and the event-type value map: same keys in both languages. */
export const behaviourEn: Record<string, string> = {
  'nav.behaviour': 'Behaviour',
  'beh.map.title': 'Event types ({n} values)',
  'beh.map.hint': 'Each value of the event-type column and what it means. Values marked unknown count as “other” until you choose.',
  'beh.map.value': 'Value as written',
  'beh.map.rows': 'Rows',
  'beh.map.type': 'Means',
  'beh.map.unknown': 'unknown',
};

export const behaviourZh: Record<string, string> = {
  'nav.behaviour': '行为分析',
  'beh.map.title': '行为类型（{n} 个取值）',
  'beh.map.hint': '行为类型列的每个取值及其含义。标为“未识别”的取值在您选择前按“其他”计。',
  'beh.map.value': '原始取值',
  'beh.map.rows': '行数',
  'beh.map.type': '含义',
  'beh.map.unknown': '未识别',
};
