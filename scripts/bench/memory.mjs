/**
 * Memory of the browser: the proportional set size (PSS, shared pages split between processes) of
 * every descendant process of this Node process, sampled on a timer, peak kept. Linux /proc only.
 */
import { readdirSync, readFileSync } from 'node:fs';

function children() {
  const byParent = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!byParent.has(ppid)) byParent.set(ppid, []);
      byParent.get(ppid).push(Number(name));
    } catch {
      // the process ended while we looked
    }
  }
  const out = [];
  const stack = [process.pid];
  while (stack.length) for (const c of byParent.get(stack.pop()) ?? []) (out.push(c), stack.push(c));
  return out;
}

function pssBytes(pid) {
  try {
    const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    if (m) return Number(m[1]) * 1024;
  } catch {
    // fall through to RSS
  }
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Current PSS sum of all descendant processes (the browser while it runs). */
export function treeBytes() {
  return children().reduce((s, pid) => s + pssBytes(pid), 0);
}

/** Samples every `ms` until stopped; `peak()` since the last `reset()`. */
export function startSampler(ms = 250) {
  let peak = 0;
  const tick = () => (peak = Math.max(peak, treeBytes()));
  const timer = setInterval(tick, ms);
  timer.unref();
  return {
    reset: () => (peak = 0),
    peak: () => (tick(), peak),
    stop: () => clearInterval(timer),
  };
}
