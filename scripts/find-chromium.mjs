#!/usr/bin/env node
// The browser tests need Chromium: CHROMIUM_PATH, then /usr/bin/chromium. Never skip silently.
import { existsSync } from 'node:fs';

const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean);
const found = candidates.find((p) => existsSync(p));
if (!found) {
  console.error(
    'Chromium was not found (looked at $CHROMIUM_PATH and /usr/bin/chromium).\n' +
      'The browser tests are part of the test suite and need it. Install it with:\n\n' +
      '    sudo apt-get install -y chromium        # Debian / Ubuntu\n\n' +
      'or point CHROMIUM_PATH at a Chromium/Chrome binary.',
  );
  process.exit(1);
}
