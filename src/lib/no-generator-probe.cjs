'use strict';
/**
 * `@stdlib/assert-has-generator-support` without `eval`. The package probes for generators by
 * evaluating source text; under the app's Content-Security-Policy that `eval` is refused (and
 * reported as a violation), so it answers false and @stdlib's series and continued fractions take
 * their closure-based implementation. This answers false without the probe: the same code path,
 * no violation. vite.config.ts aliases the package name here.
 */
module.exports = function hasGeneratorSupport() {
  return false;
};
