/** Strings of the Behaviour page (行为分析) and the event-type value map: same keys in both languages. */
export const behaviourEn: Record<string, string> = {
  'nav.behaviour': 'Behaviour',
  'beh.map.title': 'Event types ({n} values)',
  'beh.map.hint': 'Each value of the event-type column and what it means. Values marked unknown count as “other” until you choose.',
  'beh.map.value': 'Value as written',
  'beh.map.rows': 'Rows',
  'beh.map.type': 'Means',
  'beh.map.unknown': 'unknown',
  'link.beh_invalid': 'Behaviour page options in the link (beh) are invalid (funnel steps, window or split); the defaults are used.',
  'link.beh_unknown': 'Unknown behaviour option “{name}” in the link ignored.',
  'link.beh_unknown_many': '{n} unknown behaviour options in the link ignored ({names} …).',
};

export const behaviourZh: Record<string, string> = {
  'nav.behaviour': '行为分析',
  'beh.map.title': '行为类型（{n} 个取值）',
  'beh.map.hint': '行为类型列的每个取值及其含义。标为“未识别”的取值在您选择前按“其他”计。',
  'beh.map.value': '原始取值',
  'beh.map.rows': '行数',
  'beh.map.type': '含义',
  'beh.map.unknown': '未识别',
  'link.beh_invalid': '链接中的行为分析选项（beh）无效（漏斗步骤、时间窗口或拆分），已使用默认值。',
  'link.beh_unknown': '已忽略链接中未知的行为分析选项“{name}”。',
  'link.beh_unknown_many': '已忽略链接中 {n} 个未知的行为分析选项（{names} …）。',
};
