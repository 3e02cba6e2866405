/**
 * Import the app's TypeScript modules (worker request code, SQL builders) from a Node script, through
 * Vite's module runner, so native profiles run the same code as the tab. Paths are from the project root.
 */
import { fileURLToPath } from 'node:url';
import { runnerImport } from 'vite';

const root = fileURLToPath(new URL('../..', import.meta.url));

export async function loadTs(path) {
  const r = await runnerImport(root + path, {
    configFile: false,
    root,
    logLevel: 'error',
    // fmin's ES module source has extensionless relative imports, which Node alone cannot resolve
    ssr: { noExternal: ['fmin'] },
    resolve: { noExternal: ['fmin'] },
  });
  return r.module;
}
