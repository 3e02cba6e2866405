'use strict';
/**
 * `@stdlib/math-base-tools-evalpoly` without code generation. The package's `factory` compiles each
 * polynomial with `new Function`, which the app's Content-Security-Policy (`script-src 'self'
 * 'wasm-unsafe-eval'`) refuses; @stdlib's t, chi-square and gamma functions call it. This module is
 * the package itself (its own `main`, Horner's rule) with a `factory` that returns a closure over
 * the coefficients instead: the same arithmetic in the same order. vite.config.ts aliases the
 * package name here.
 */
var evalpoly = require('@stdlib/math-base-tools-evalpoly/lib/main.js');

function factory(c) {
  var coef = Array.prototype.slice.call(c);
  return function polyval(x) {
    return evalpoly(coef, x);
  };
}

Object.defineProperty(evalpoly, 'factory', { value: factory, enumerable: false, writable: false, configurable: false });

module.exports = evalpoly;
