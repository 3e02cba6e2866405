/**
 * Browser tests run against the production build, served by `vite preview` (with the same
 * COOP/COEP headers a user gets), exactly as a user loads it.
 */
import { build, preview, type PreviewServer } from 'vite';
import type { TestProject } from 'vitest/node';

let server: PreviewServer | undefined;

export default async function setup(project: TestProject) {
  if (!process.env.ATLAS_SKIP_BUILD) await build({ logLevel: 'warn' });
  server = await preview({ preview: { port: 0, host: '127.0.0.1', strictPort: false }, logLevel: 'warn' });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite preview did not report a URL');
  project.provide('baseUrl', url);
  return async () => {
    await server?.close();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
  }
}
