/** Strings for where the data lives, keeping/forgetting it, and what a shared link expects. */
export const privacyEn: Record<string, string> = {
  'where.memory': 'Data lives in this tab’s memory only',
  'where.browser': 'Data is kept in this browser (never uploaded)',
  'where.saving': 'Saving a copy in this browser…',
  'where.restoring': 'Restoring data kept in this browser…',
  'where.unavailable': 'Data lives in this tab’s memory only (this browser cannot keep it)',
  'persist.keep': 'Keep my data in this browser',
  'persist.keep_hint':
    'Stores the files you loaded in this browser’s private storage for this site, so a reload keeps them. Nothing is uploaded.',
  'persist.stored': '{size} stored',
  'persist.forget': 'Forget all data',
  'persist.forget_confirm': 'Delete all loaded data from memory and from this browser?',
  'persist.forget_yes': 'Yes, forget everything',
  'persist.cancel': 'Cancel',
  'persist.forgotten': 'All data was deleted from memory and from this browser’s storage.',
  'persist.error': 'Could not keep the data in this browser: {message}',
  'persist.options': 'Storage',
};

export const privacyZh: Record<string, string> = {
  'where.memory': '数据只保存在本标签页的内存中',
  'where.browser': '数据保存在本浏览器中（从不上传）',
  'where.saving': '正在本浏览器中保存副本…',
  'where.restoring': '正在恢复保存在本浏览器中的数据…',
  'where.unavailable': '数据只保存在本标签页的内存中（此浏览器无法保存）',
  'persist.keep': '在本浏览器中保留我的数据',
  'persist.keep_hint': '将已载入的文件保存在本浏览器为本站提供的私有存储中，刷新页面后仍在。不会上传任何内容。',
  'persist.stored': '已保存 {size}',
  'persist.forget': '清除所有数据',
  'persist.forget_confirm': '从内存和本浏览器中删除所有已载入的数据？',
  'persist.forget_yes': '是，全部清除',
  'persist.cancel': '取消',
  'persist.forgotten': '所有数据已从内存和本浏览器存储中删除。',
  'persist.error': '无法在本浏览器中保留数据：{message}',
  'persist.options': '存储',
};
