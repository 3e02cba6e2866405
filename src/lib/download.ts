/** Save text or a chart as a file, entirely in the browser (object URLs; nothing is uploaded). */

export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 2000);
}

export function saveText(text: string, filename: string, type = 'text/csv;charset=utf-8'): void {
  // A BOM so that Excel opens UTF-8 CSV (Chinese labels) correctly.
  saveBlob(new Blob([type.startsWith('text/csv') ? '\ufeff' : '', text], { type }), filename);
}

function svgOf(el: Element): SVGSVGElement | null {
  return el instanceof SVGSVGElement ? el : el.querySelector('svg');
}

export function saveSvg(el: Element, filename: string): void {
  const svg = svgOf(el);
  if (!svg) return;
  const clone = svg.cloneNode(true) as SVGSVGElement;
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  saveBlob(new Blob([new XMLSerializer().serializeToString(clone)], { type: 'image/svg+xml' }), filename);
}

export async function savePng(el: Element, filename: string, scale = 2): Promise<void> {
  const svg = svgOf(el);
  if (!svg) return;
  const clone = svg.cloneNode(true) as SVGSVGElement;
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  const { width, height } = svg.getBoundingClientRect();
  const url = URL.createObjectURL(new Blob([new XMLSerializer().serializeToString(clone)], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = Math.ceil(width * scale);
    canvas.height = Math.ceil(height * scale);
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
    const blob = await new Promise<Blob | null>((r) => canvas.toBlob(r, 'image/png'));
    if (blob) saveBlob(blob, filename);
  } finally {
    URL.revokeObjectURL(url);
  }
}
